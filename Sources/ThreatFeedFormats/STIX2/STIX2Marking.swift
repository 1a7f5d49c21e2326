import ThreatFeedCore

/// The TLP marking definitions STIX 2.1 predefines (§7.2.1.4, TLP 1.0): consumers know these ids without
/// being sent the objects, so indicators refer to them and the collection does not carry them.
public enum STIX2Marking {
    public static func tlp(_ tlp: TLP) -> String {
        switch tlp {
        case .white: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
        case .green: "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
        case .amber: "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
        case .red: "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
        }
    }
}
