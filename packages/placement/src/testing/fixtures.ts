import { aDataset, aNode, aSite, aSnapshot, type SnapshotBuilder } from "./builders";

/**
 * A small hybrid estate most tests start from:
 * - onprem-fra: ON_PREM in Germany, H100 at $2, HIPAA; 2 idle 8×H100 nodes on ib-a, 1 on ib-b
 * - aws-dub: CLOUD in Ireland, H100 at $4 and L4 at $0.8; 2 idle 8×H100, 1 L4 node with 4 free
 * - gcp-iad: CLOUD in the US, H100 at $3.5; 2 idle 8×H100; 80 ms to eu-west
 * - edge-ams: EDGE in the Netherlands, L4 at $1; one 1×L4 node
 * Dataset claims-2025 (500 GB, EU only) lives at onprem-fra.
 */
export function hybridEstate(): SnapshotBuilder {
  return aSnapshot()
    .site(
      aSite("onprem-fra")
        .kind("ON_PREM")
        .provider("onprem")
        .price("H100", 2)
        .certified("HIPAA", "SOC2")
        .egress(0.02, 10),
    )
    .site(
      aSite("aws-dub")
        .located("IE", "EU", "eu-west-1")
        .prices({ H100: 4, L4: 0.8 })
        .certified("SOC2")
        .latency("eu-west", 3),
    )
    .site(
      aSite("gcp-iad").located("US", "US", "us-east4").price("H100", 3.5).latency("eu-west", 80).carbon(390),
    )
    .site(
      aSite("edge-ams")
        .kind("EDGE")
        .provider("edge")
        .located("NL", "EU", "ams")
        .prices({ L4: 1 })
        .latency("eu-west", 2),
    )
    .nodes("onprem-fra", 3, (n, i) => n.fabric(i < 2 ? "ib-a" : "ib-b"))
    .nodes("aws-dub", 2)
    .node(aNode("aws-dub-l4", "aws-dub").model("L4", 24).gpus(8, 4).fabric("eth"))
    .nodes("gcp-iad", 2)
    .node(aNode("edge-ams-l4", "edge-ams").model("L4", 24).gpus(1).fabric("eth"))
    .dataset(
      aDataset("claims-2025")
        .size(500)
        .residency({ allowedJurisdictions: ["EU"], onPremOnly: false })
        .at("onprem-fra"),
    );
}
