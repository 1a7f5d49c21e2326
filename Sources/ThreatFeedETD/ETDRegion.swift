/// Where the tenant's ETD API lives. The regions are Cisco's documented hosts; `beta` is the
/// programme host both Cisco sample scripts default to. There is no `eu` or `apjc`.
public enum ETDRegion: String, CaseIterable, Sendable {
    case us, de, au, `in`, ae, beta

    public var baseURL: String { "https://api.\(rawValue).etd.cisco.com" }
}
