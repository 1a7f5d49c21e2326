/// The XML namespaces of the STIX 1.x / CybOX 2.1 vocabulary we write (reference §3.1).
/// STIX 1.1.1 and 1.2 share them.
enum STIXNamespace {
    static let stix = ("stix", "http://stix.mitre.org/stix-1")
    static let indicator = ("indicator", "http://stix.mitre.org/Indicator-2")
    static let stixCommon = ("stixCommon", "http://stix.mitre.org/common-1")
    static let stixVocabs = ("stixVocabs", "http://stix.mitre.org/default_vocabularies-1")
    static let cybox = ("cybox", "http://cybox.mitre.org/cybox-2")
    static let cyboxCommon = ("cyboxCommon", "http://cybox.mitre.org/common-2")
    static let cyboxVocabs = ("cyboxVocabs", "http://cybox.mitre.org/default_vocabularies-2")
    static let uriObject = ("URIObj", "http://cybox.mitre.org/objects#URIObject-2")
    static let fileObject = ("FileObj", "http://cybox.mitre.org/objects#FileObject-2")
    /// Note the `-1`: DomainNameObject never had a version 2.
    static let domainNameObject = ("DomainNameObj", "http://cybox.mitre.org/objects#DomainNameObject-1")
    static let addressObject = ("AddressObj", "http://cybox.mitre.org/objects#AddressObject-2")
    static let xsi = ("xsi", "http://www.w3.org/2001/XMLSchema-instance")

    /// Prefixes a producer id namespace must not take: the package declares them all on its root.
    static let reservedPrefixes: Set<String> = [
        stix.0, indicator.0, stixCommon.0, stixVocabs.0, cybox.0, cyboxCommon.0, cyboxVocabs.0,
        uriObject.0, fileObject.0, domainNameObject.0, addressObject.0, xsi.0, "taxii_11", "taxii", "tdq",
    ]
}
