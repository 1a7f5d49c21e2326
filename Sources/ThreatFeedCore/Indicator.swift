import Foundation

/// A named group that judgements are elements of ("ETD convictions", "Manual blocklist").
public struct Indicator: Hashable, Sendable {
    /// `indicator-<uuid>`.
    public var id: String
    public var name: EntityName
    public var title: String
    public var description: String?
    public var created: Date

    public init(id: String = EntityID.make("indicator"), name: EntityName, title: String? = nil, description: String? = nil, created: Date) {
        self.id = id
        self.name = name
        self.title = title ?? name.value
        self.description = description
        self.created = created
    }
}
