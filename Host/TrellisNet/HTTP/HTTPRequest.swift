/// An HTTP request for ``NetworkServices/request(_:completion:)``.
public struct HTTPRequest: Sendable {
    /// The method, upper-case: GET, POST, PUT, DELETE, PATCH, HEAD or another token.
    public var method: String
    /// The absolute `http` or `https` URL.
    public var url: String
    /// Fields sent in this order; they replace libcurl's own fields of the same name.
    public var headers: [Header]
    /// The body; empty for none.
    public var body: [UInt8]
    /// The most the whole request may take, from connecting to the last byte of the response.
    public var timeout: Duration

    /// Makes a request.
    public init(method: String = "GET", url: String, headers: [Header] = [], body: [UInt8] = [], timeout: Duration = .seconds(30)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
