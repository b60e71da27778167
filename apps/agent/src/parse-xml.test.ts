import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NvidiaSmiError } from "./nvidia-smi.ts";
import { parseSmiXml } from "./parse-xml.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../test/fixtures/h200/${name}`, import.meta.url), "utf8");

describe("parseSmiXml", () => {
  it.each(["nvidia-smi-q-busy.xml", "nvidia-smi-q-idle.xml"])("reads the real H200 log %s", (name) => {
    expect(parseSmiXml(fixture(name))).toEqual({
      driverVersion: "580.159.04",
      cudaVersion: "13.0",
      gpus: [
        {
          uuid: "GPU-42dd91a9-9f39-a14f-d190-a54a7e258822",
          name: "NVIDIA H200",
          memoryTotalMib: 143771,
          migMode: "Disabled",
        },
      ],
    });
  });

  it("refuses empty, truncated and foreign output in words", () => {
    const xml = fixture("nvidia-smi-q-busy.xml");
    expect(() => parseSmiXml("  \n")).toThrow(new NvidiaSmiError("nvidia-smi -q -x printed nothing."));
    expect(() => parseSmiXml(xml.slice(0, xml.length / 2))).toThrow(
      /cannot be read \(line \d+: .*\); the output may be truncated/,
    );
    expect(() => parseSmiXml("<html><body>hello</body></html>")).toThrow("without <nvidia_smi_log>");
    expect(() => parseSmiXml(xml.replace(/<gpu id[\s\S]*<\/gpu>/, ""))).toThrow("lists no <gpu>");
    expect(() => parseSmiXml(xml.replace(/<uuid>.*<\/uuid>/, ""))).toThrow("<gpu> number 1 lacks its uuid");
  });
});
