import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED_API, generateApiTypes, generateJobSchema, JOB_SCHEMA } from "./generate-sources.ts";

const root = join(import.meta.dirname, "..");
writeFileSync(join(root, GENERATED_API), await generateApiTypes());
writeFileSync(join(root, JOB_SCHEMA), generateJobSchema());
console.log(`wrote ${GENERATED_API} and ${JOB_SCHEMA}`);
