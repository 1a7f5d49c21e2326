/// `service_type` of a `Service_Instance`.
public enum TAXIIServiceType: String, Sendable, Hashable, CaseIterable {
    case discovery = "DISCOVERY"
    case collectionManagement = "COLLECTION_MANAGEMENT"
    case poll = "POLL"
    case inbox = "INBOX"
}
