/// How an HTTP request ended: the response when there is one, or why there is none.
public struct HTTPResponse: Sendable {
    /// `.ok` when a response arrived, whatever its status; otherwise why none did.
    public var outcome: NetOutcome
    /// The HTTP status, or 0 without a response.
    public var status: Int
    /// The final response's header fields, names lower-cased, in the order received.
    public var headers: [Header]
    /// The response body as received (no content decoding).
    public var body: [UInt8]
    /// What went wrong when `outcome` is not `.ok`; empty otherwise.
    public var errorText: String
    /// From the call of `request` to the completion.
    public var elapsedNanoseconds: Int64
    /// The id `request` returned.
    public var requestID: UInt64

    /// Makes a response.
    public init(
        outcome: NetOutcome, status: Int = 0, headers: [Header] = [], body: [UInt8] = [], errorText: String = "", elapsedNanoseconds: Int64 = 0,
        requestID: UInt64
    ) {
        self.outcome = outcome
        self.status = status
        self.headers = headers
        self.body = body
        self.errorText = errorText
        self.elapsedNanoseconds = elapsedNanoseconds
        self.requestID = requestID
    }

    /// A response that never reached the network, ending with `outcome`.
    static func failed(_ outcome: NetOutcome, _ text: String, id: UInt64) -> HTTPResponse {
        HTTPResponse(outcome: outcome, errorText: text, requestID: id)
    }
}
