import Foundation
import Hummingbird
import ThreatFeedCore
import ThreatFeedFormats

/// The lookup routes (`POST /lookup`, `GET /lookup?term=…`, and the XDR relay module when `xdr` is configured), kept out of `buildRouter` so they stay one line there.
func addLookupRoutes(
    to router: Router<AppRequestContext>, lookups: any ObservableLookups, users: any UserRecords, configuration: ServerConfiguration,
    credentials: CredentialVerifier, recorder: PollRecorder, clock: @escaping @Sendable () -> Date
) {
    let access = LookupAccess(adminToken: configuration.adminToken, credentials: credentials, store: users)
    LookupController(
        store: lookups, access: access, recorder: recorder, limits: configuration.lookup, clock: clock
    ).addRoutes(to: router)
    if let xdr = configuration.xdr {
        XDRController(
            store: lookups, jwt: RelayJWT(key: xdr.key), renderer: CTIMRelayRenderer(publicBase: configuration.publicBase), configuration: xdr,
            maxBodyBytes: configuration.lookup.maxBodyBytes, clock: clock
        ).addRoutes(to: router)
    }
}
