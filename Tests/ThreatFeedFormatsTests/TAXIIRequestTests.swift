import Testing
import ThreatFeedCore
import ThreatFeedFormats
import ThreatFeedXML

private func parse(_ text: String) throws(TAXIIRequestError) -> TAXIIRequest {
    try TAXIIRequest.parse(Array(text.utf8))
}

private func rejection(_ text: String) -> TAXIIRequestError? {
    do {
        let request = try parse(text)
        Issue.record("parsed: \(request)")
        return nil
    } catch {
        return error
    }
}

/// `<taxii_11:Poll_Request …>` with `body` inside.
/// A Poll_Fulfillment with message id 7 asking for `part`.
private func fulfillment(part: String) -> String {
    #"<taxii_11:Poll_Fulfillment xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="7" collection_name="c" result_id="r" result_part_number=""#
        + part + #""/>"#
}

private func poll(_ body: String, attributes: String = #"message_id="7" collection_name="c""#) -> String {
    #"<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" \#(attributes)>\#(body)</taxii_11:Poll_Request>"#
}

@Suite("TAXII requests: the fixtures")
struct TAXIIRequestFixtureTests {
    @Test("Discovery_Request")
    func discovery() throws {
        let request = try TAXIIRequest.parse(TestFixtures.bytes("discovery_request.xml"))
        #expect(request == .discovery(TAXIIDiscoveryRequest(messageID: "1001")))
        #expect(request.messageID == "1001")
        #expect(request.messageType == "Discovery_Request")
    }

    @Test("Collection_Information_Request")
    func collectionInformation() throws {
        let request = try TAXIIRequest.parse(TestFixtures.bytes("collection_information_request.xml"))
        #expect(request == .collectionInformation(TAXIICollectionInformationRequest(messageID: "1002")))
    }

    @Test("Poll_Request with a window, FULL, any binding")
    func pollWindow() throws {
        let expected = TAXIIPollRequest(
            messageID: "1003", collectionName: "esa-feed",
            exclusiveBegin: try TestFixtures.label("2024-01-15T00:00:00Z"),
            inclusiveEnd: try TestFixtures.label("2024-01-16T00:00:00Z"),
            parameters: TAXIIPollParameters(allowAsynchronous: false, responseType: .full)
        )
        #expect(try TAXIIRequest.parse(TestFixtures.bytes("poll_request.xml")) == .poll(expected))
        // The unauthorised exchange sent the very same request.
        #expect(try TAXIIRequest.parse(TestFixtures.bytes("status_unauthorized_request.xml")) == .poll(expected))
    }

    @Test("Poll_Request naming content bindings")
    func pollBindings() throws {
        let request = try TAXIIRequest.parse(TestFixtures.bytes("poll_with_bindings_request.xml"))
        let expected = TAXIIPollRequest(
            messageID: "1004", collectionName: "esa-feed",
            exclusiveBegin: try TestFixtures.label("2024-01-16T00:00:00Z"),
            inclusiveEnd: try TestFixtures.label("2024-01-17T00:00:00Z"),
            parameters: TAXIIPollParameters(contentBindings: [
                TAXIIContentBinding(bindingID: "urn:stix.mitre.org:xml:1.1.1"),
                TAXIIContentBinding(bindingID: "urn:stix.mitre.org:xml:1.2"),
            ])
        )
        #expect(request == .poll(expected))
    }

    @Test("Poll_Request COUNT_ONLY without a window")
    func pollCountOnly() throws {
        let request = try TAXIIRequest.parse(TestFixtures.bytes("poll_count_only_request.xml"))
        #expect(
            request
                == .poll(
                    TAXIIPollRequest(
                        messageID: "1005", collectionName: "esa-feed", parameters: TAXIIPollParameters(responseType: .countOnly))))
    }

    @Test("the other Poll_Request fixtures")
    func otherPolls() throws {
        let notFound = try TAXIIRequest.parse(TestFixtures.bytes("status_not_found_request.xml"))
        #expect(notFound == .poll(TAXIIPollRequest(messageID: "1006", collectionName: "no-such-collection")))
        let unsupported = try TAXIIRequest.parse(TestFixtures.bytes("status_unsupported_content_request.xml"))
        #expect(
            unsupported
                == .poll(
                    TAXIIPollRequest(
                        messageID: "1007", collectionName: "esa-feed",
                        parameters: TAXIIPollParameters(contentBindings: [TAXIIContentBinding(bindingID: "urn:example:unsupported:1.0")])
                    )))
        let paged = try TAXIIRequest.parse(TestFixtures.bytes("poll_paged_part1_request.xml"))
        #expect(paged == .poll(TAXIIPollRequest(messageID: "1101", collectionName: "esa-feed")))
    }

    @Test("Poll_Fulfillment parts 2 to 4", arguments: [2, 3, 4])
    func fulfillment(part: Int) throws {
        let request = try TAXIIRequest.parse(TestFixtures.bytes("poll_fulfillment_part\(part)_request.xml"))
        #expect(
            request
                == .pollFulfillment(
                    TAXIIPollFulfillmentRequest(
                        messageID: String(1100 + part), collectionName: "esa-feed", resultID: "result-0001", resultPartNumber: part
                    )))
    }

    @Test("the schema-invalid fixture is an invalid Poll_Request that keeps its id")
    func badMessage() throws {
        let error = #expect(throws: TAXIIRequestError.self) { try TAXIIRequest.parse(TestFixtures.bytes("status_bad_message_request.xml")) }
        guard case .invalidMessage("Poll_Request", "1008", let reason) = error else {
            Issue.record("unexpected: \(String(describing: error))")
            return
        }
        #expect(reason.contains("collection_name"))
        let status = TAXIIStatusMessage.rejecting(try #require(error))
        #expect(status.statusType == .badMessage)
        #expect(status.inResponseTo == "1008")
    }
}

@Suite("TAXII requests: variations and errors")
struct TAXIIRequestVariationTests {
    @Test("a default namespace works like a prefix (MITRE's samples)")
    func defaultNamespace() throws {
        let request = try parse(#"<Discovery_Request xmlns="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="m1"/>"#)
        #expect(request == .discovery(TAXIIDiscoveryRequest(messageID: "m1")))
    }

    @Test("Extended_Headers and ds:Signature are ignored; whitespace around values is not significant")
    func ignoredParts() throws {
        let text = poll(
            """
            <taxii_11:Extended_Headers><taxii_11:Extended_Header name="x">y</taxii_11:Extended_Header></taxii_11:Extended_Headers>
            <taxii_11:Inclusive_End_Timestamp>
                2024-01-16T00:00:00.5+01:00
            </taxii_11:Inclusive_End_Timestamp>
            <taxii_11:Exclusive_Begin_Timestamp>2024-01-15T00:00:00Z</taxii_11:Exclusive_Begin_Timestamp>
            <taxii_11:Poll_Parameters allow_asynch=" 1 ">
              <taxii_11:Response_Type> COUNT_ONLY </taxii_11:Response_Type>
              <taxii_11:Content_Binding binding_id="urn:stix.mitre.org:xml:1.2"><taxii_11:Subtype subtype_id="s"/></taxii_11:Content_Binding>
              <taxii_11:Query format_id="urn:taxii.mitre.org:query:default:1.0"><tdq:Default_Query xmlns:tdq="http://taxii.mitre.org/query/taxii_default_query-1"/></taxii_11:Query>
              <taxii_11:Delivery_Parameters/>
            </taxii_11:Poll_Parameters>
            <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>
            """
        )
        guard case .poll(let request) = try parse(text) else {
            Issue.record("not a poll")
            return
        }
        #expect(request.exclusiveBegin == (try TestFixtures.label("2024-01-15T00:00:00Z")))
        #expect(request.inclusiveEnd == (try TestFixtures.label("2024-01-15T23:00:00.5Z")))
        let parameters = try #require(request.parameters)
        #expect(parameters.allowAsynchronous)
        #expect(parameters.responseType == .countOnly)
        #expect(parameters.contentBindings == [TAXIIContentBinding(bindingID: "urn:stix.mitre.org:xml:1.2", subtype: "s")])
        #expect(parameters.query == TAXIIQuery(formatID: TAXII11.defaultQueryFormat))
        #expect(parameters.requestsDelivery)
    }

    @Test("a subscription poll, and a lenient poll with neither subscription nor parameters")
    func subscriptionAndNeither() throws {
        let subscription = try parse(poll("<taxii_11:Subscription_ID> sub-1 </taxii_11:Subscription_ID>"))
        #expect(subscription == .poll(TAXIIPollRequest(messageID: "7", collectionName: "c", subscriptionID: "sub-1", parameters: nil)))
        let neither = try parse(poll(""))
        #expect(neither == .poll(TAXIIPollRequest(messageID: "7", collectionName: "c", parameters: nil)))
    }

    @Test(
        "part numbers: xs:positiveInteger up to the cap, leading zeros and + allowed",
        arguments: [("1", 1), ("+2", 2), (" 0003 ", 3), ("000000000000000000000000000042", 42), ("1000000000", 1_000_000_000)]
    )
    func partNumbers(text: String, number: Int) throws {
        #expect(try parse(fulfillment(part: text))
            == .pollFulfillment(TAXIIPollFulfillmentRequest(messageID: "7", collectionName: "c", resultID: "r", resultPartNumber: number)))
    }

    @Test("a Poll_Request with a fraction of dozens of digits is read and truncated to microseconds")
    func longFraction() throws {
        let text = poll(
            "<taxii_11:Exclusive_Begin_Timestamp>2024-01-15T00:00:00.9999999999999999999Z</taxii_11:Exclusive_Begin_Timestamp>"
                + "<taxii_11:Inclusive_End_Timestamp>2024-01-15T00:00:01.12345678901234567890123456789012345678901234567890Z</taxii_11:Inclusive_End_Timestamp>"
        )
        guard case .poll(let request) = try parse(text) else { Issue.record("not a poll"); return }
        #expect(request.exclusiveBegin == TimestampLabel(microseconds: 1_705_276_800_999_999))
        #expect(request.inclusiveEnd == TimestampLabel(microseconds: 1_705_276_801_123_456))
    }

    @Test("Poll_Fulfillment defaults its part number to 1")
    func fulfillmentDefault() throws {
        let text =
            #"<taxii_11:Poll_Fulfillment xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="9" collection_name="c" result_id="r"/>"#
        #expect(try parse(text) == .pollFulfillment(TAXIIPollFulfillmentRequest(messageID: "9", collectionName: "c", resultID: "r")))
    }

    @Test(
        "schema violations are invalid messages that keep the message id",
        arguments: [
            (poll("", attributes: #"message_id="7""#), "collection_name"),
            (
                poll("<taxii_11:Exclusive_Begin_Timestamp>2024-01-15T00:00:00</taxii_11:Exclusive_Begin_Timestamp>"),
                "Exclusive_Begin_Timestamp"
            ),
            (poll("<taxii_11:Inclusive_End_Timestamp>yesterday</taxii_11:Inclusive_End_Timestamp>"), "Inclusive_End_Timestamp"),
            (
                poll("<taxii_11:Poll_Parameters><taxii_11:Response_Type>SOME</taxii_11:Response_Type></taxii_11:Poll_Parameters>"),
                "Response_Type"
            ),
            (poll(#"<taxii_11:Poll_Parameters allow_asynch="maybe"/>"#), "allow_asynch"),
            (poll("<taxii_11:Poll_Parameters><taxii_11:Content_Binding/></taxii_11:Poll_Parameters>"), "binding_id"),
            (poll("<taxii_11:Subscription_ID>s</taxii_11:Subscription_ID><taxii_11:Poll_Parameters/>"), "not both"),
            (poll("<taxii_11:Poll_Parameters/><taxii_11:Poll_Parameters/>"), "2 times"),
            (poll("<oops/>"), "oops"),
            (poll("<taxii_11:Oops/>"), "Oops"),
            (
                #"<taxii_11:Poll_Fulfillment xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="7" collection_name="c" result_id="r" result_part_number="0"/>"#,
                "result_part_number"
            ),
            (
                #"<taxii_11:Poll_Fulfillment xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="7" collection_name="c"/>"#,
                "result_id"
            ),
            // Numbers from outside: any length is a clear error, never an overflow.
            (fulfillment(part: "99999999999999999999999999999999"), "out of range"),
            (fulfillment(part: "9223372036854775807"), "out of range"),
            (fulfillment(part: "1000000001"), "out of range"),
            (fulfillment(part: "-1"), "result_part_number"),
            (fulfillment(part: "1e3"), "result_part_number"),
            (fulfillment(part: "0x10"), "result_part_number"),
            (fulfillment(part: "+"), "result_part_number"),
            (fulfillment(part: "00000000000000000000000000"), "result_part_number"),
            (fulfillment(part: "１"), "result_part_number"),
            (
                poll("<taxii_11:Exclusive_Begin_Timestamp>2024-01-15T00:00:00.9999999999999999999</taxii_11:Exclusive_Begin_Timestamp>"),
                "Exclusive_Begin_Timestamp"
            ),
            (
                poll("<taxii_11:Inclusive_End_Timestamp>2024-01-15T00:00:00+9999999999999999999:00</taxii_11:Inclusive_End_Timestamp>"),
                "Inclusive_End_Timestamp"
            ),
            (
                poll("<taxii_11:Inclusive_End_Timestamp>99999999999999999999-01-15T00:00:00Z</taxii_11:Inclusive_End_Timestamp>"),
                "Inclusive_End_Timestamp"
            ),
        ]
    )
    func invalid(text: String, mentioned: String) {
        let error = rejection(text)
        guard case .invalidMessage(_, let id, let reason) = error else {
            Issue.record("unexpected: \(String(describing: error))")
            return
        }
        #expect(id == "7")
        #expect(reason.contains(mentioned))
        #expect(error?.kind == "invalid_message")
    }

    @Test("a message without message_id is invalid and has no id")
    func missingMessageID() {
        let error = rejection(#"<Discovery_Request xmlns="http://taxii.mitre.org/messages/taxii_xml_binding-1.1"/>"#)
        #expect(error == .invalidMessage(messageType: "Discovery_Request", messageID: nil, reason: "the message_id attribute is missing"))
        #expect(TAXIIStatusMessage.rejecting(error!).inResponseTo == "0")
    }

    @Test("TAXII 1.0 and other documents are not TAXII 1.1")
    func notTAXII11() {
        let taxii10 = rejection(
            #"<taxii:Poll_Request xmlns:taxii="http://taxii.mitre.org/messages/taxii_xml_binding-1" message_id="5" feed_name="f"/>"#)
        #expect(taxii10 == .notTAXII11(rootName: "Poll_Request", namespaceURI: TAXII11.namespace10, messageID: "5"))
        let status = TAXIIStatusMessage.rejecting(taxii10!)
        #expect(status.statusType == .unsupportedMessage)
        #expect(status.details == [.supportedBinding(TAXII11.messageBinding)])
        #expect(status.inResponseTo == "5")
        #expect(rejection("<html><body/></html>") == .notTAXII11(rootName: "html", namespaceURI: nil, messageID: nil))
    }

    @Test(
        "TAXII 1.1 messages we do not serve are unknown message types",
        arguments: ["Inbox_Message", "Poll_Response", "Manage_Collection_Subscription_Request", "Nonsense"])
    func unknownType(name: String) {
        let error = rejection(#"<t:\#(name) xmlns:t="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="3"/>"#)
        #expect(error == .unknownMessageType(name: name, messageID: "3"))
        let status = TAXIIStatusMessage.rejecting(error!)
        #expect(status.statusType == .failure)
        #expect(status.inResponseTo == "3")
    }

    @Test("unreadable bodies: not XML, DOCTYPE, too deep, too big")
    func unreadable() {
        guard case .unreadable(let notXML) = rejection("{\"json\": true}") else {
            Issue.record("not unreadable")
            return
        }
        #expect(notXML.kind == .malformed)
        let doctype = rejection(
            #"<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Discovery_Request xmlns="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="1">&x;</Discovery_Request>"#
        )
        guard case .unreadable(let refused) = doctype else {
            Issue.record("not unreadable")
            return
        }
        #expect(refused.kind == .doctypeForbidden)
        #expect(doctype?.kind == "refused")
        #expect(doctype?.messageID == nil)
        let deep = poll(String(repeating: "<x>", count: 40) + String(repeating: "</x>", count: 40))
        guard case .unreadable(let tooDeep) = rejection(deep) else {
            Issue.record("not unreadable")
            return
        }
        #expect(tooDeep.kind == .tooDeep)
        let big = Array(poll(String(repeating: " ", count: 2_000)).utf8)
        #expect(
            throws: TAXIIRequestError.unreadable(
                XMLParseError(kind: .tooLarge, message: "document is \(big.count) bytes, more than the 1000 accepted"))
        ) {
            try TAXIIRequest.parse(big, limits: XMLLimits(maxBytes: 1_000))
        }
        let status = TAXIIStatusMessage.rejecting(doctype!)
        #expect(status.statusType == .badMessage)
        #expect(status.inResponseTo == TAXIIMessageID.unknownRequest)
    }
}
