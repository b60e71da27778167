// Who may do what, for the server and the console alike (client-safe: no database, no Node).

export * from "./auth/rules.ts";
export { canTransition, TERMINAL_STATES, TRANSITIONS } from "./workloads/state-machine.ts";
