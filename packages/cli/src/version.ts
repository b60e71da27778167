/** Replaced by the bundle's version at build time (build.mjs); the source says what it is. */
declare const __CLI_VERSION__: string | undefined;
export const CLI_VERSION = typeof __CLI_VERSION__ === "string" ? __CLI_VERSION__ : "0.1.0-dev";
