import CCurl

/// One HTTP request on the curl thread: its easy handle, what it has received, and its completion.
///
/// Lives only on the curl thread; libcurl's callbacks reach it through the context pointer.
final class CurlTransfer {
    /// The largest response body kept; a larger one fails the request with `.protocolError`.
    static let maximumBodyBytes = 256 << 20

    let id: UInt64
    let easy: UnsafeMutableRawPointer
    private let completion: @Sendable (HTTPResponse) -> Void
    private let start: ContinuousClock.Instant
    private var fieldList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headers: [Header] = []
    private var body: [UInt8] = []
    private var bodyTooLarge = false

    /// Makes the easy handle for `submission`; throws when the request cannot be made.
    init(_ submission: CurlClient.Submission) throws(NetError) {
        guard let easy = curl_easy_init() else { throw NetError(.protocolError, "curl_easy_init failed") }
        self.id = submission.id
        self.easy = easy
        self.completion = submission.completion
        self.start = submission.start
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        do {
            try configure(submission.request)
        } catch {
            release()
            throw error
        }
    }

    /// Sets every option of `request` on the easy handle.
    private func configure(_ request: HTTPRequest) throws(NetError) {
        try Self.validate(request)
        var failed = CURLE_OK
        func set(_ result: CURLcode) { if result != CURLE_OK, failed == CURLE_OK { failed = result } }
        set(request.url.withCString { trellis_curl_setopt_str(easy, CURLOPT_URL, $0) })
        set("http,https".withCString { trellis_curl_setopt_str(easy, CURLOPT_PROTOCOLS_STR, $0) })
        set(trellis_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        set(trellis_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)))
        set(trellis_curl_setopt_long(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS))
        set(trellis_curl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        set(trellis_curl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        let context = Unmanaged.passUnretained(self).toOpaque()
        set(trellis_curl_setopt_ptr(easy, CURLOPT_WRITEDATA, context))
        set(trellis_curl_setopt_ptr(easy, CURLOPT_HEADERDATA, context))
        set(
            trellis_curl_setopt_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
                return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().received(body: bytes)
            })
        set(
            trellis_curl_setopt_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
                Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().received(headerLine: bytes)
                return size * count
            })
        let method = request.method.uppercased()
        if method == "GET" && request.body.isEmpty {
            set(trellis_curl_setopt_long(easy, CURLOPT_HTTPGET, 1))
        } else if method == "HEAD" {
            set(trellis_curl_setopt_long(easy, CURLOPT_NOBODY, 1))
        } else {
            if !request.body.isEmpty || method == "POST" {
                set(trellis_curl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
                // libcurl copies the body; an empty one still needs a pointer (never NULL: that reads stdin).
                let empty: [UInt8] = [0]
                set(
                    (request.body.isEmpty ? empty : request.body).withUnsafeBytes {
                        trellis_curl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
                    })
            }
            if method != "POST" { set(method.withCString { trellis_curl_setopt_str(easy, CURLOPT_CUSTOMREQUEST, $0) }) }
        }
        // No "Expect: 100-continue" round trip unless the caller asks for one.
        var fields = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        if request.headers.value(of: "expect") == nil { fields.append("Expect:") }
        for field in fields {
            guard let list = field.withCString({ curl_slist_append(fieldList, $0) }) else { throw NetError(.protocolError, "out of memory") }
            fieldList = list
        }
        set(trellis_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, fieldList))
        if failed != CURLE_OK { throw NetError(.protocolError, String(cString: curl_easy_strerror(failed))) }
    }

    /// Rejects what would let a request smuggle text into the protocol: control characters, a bad method.
    private static func validate(_ request: HTTPRequest) throws(NetError) {
        let tokenPunctuation = Set("!#$%&'*+-.^_`|~".utf8)
        guard !request.method.isEmpty, request.method.utf8.allSatisfy({ ($0 < 0x80 && isAlphanumeric($0)) || tokenPunctuation.contains($0) }) else {
            throw NetError(.protocolError, "invalid method \"\(request.method)\"")
        }
        guard !request.url.isEmpty, request.url.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw NetError(.protocolError, "invalid URL")
        }
        for header in request.headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }),
                header.value.utf8.allSatisfy({ $0 != 0x0A && $0 != 0x0D && $0 != 0 })
            else { throw NetError(.protocolError, "invalid header \"\(header.name)\"") }
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// `duration` in whole milliseconds, at least one.
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? 1 : Int.max }
        return max(1, Int(clamping: product.addingReportingOverflow(attoseconds / 1_000_000_000_000_000).partialValue))
    }

    /// Takes a piece of the body; refusing it (returning less) makes libcurl fail the transfer.
    private func received(body bytes: UnsafeRawBufferPointer) -> Int {
        guard body.count + bytes.count <= Self.maximumBodyBytes else {
            bodyTooLarge = true
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// Takes one header line; a status line starts a new response (after a 100 Continue, say).
    private func received(headerLine bytes: UnsafeRawBufferPointer) {
        var line = Substring(decoding: bytes, as: UTF8.self)
        while let last = line.last, last.isNewline { line.removeLast() }
        if line.hasPrefix("HTTP/") {
            headers.removeAll(keepingCapacity: true)
        } else if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
            headers[headers.count - 1].value += " " + Self.trimmed(line)
        } else if let colon = line.firstIndex(of: ":") {
            headers.append(Header(name: line[..<colon].lowercased(), value: Self.trimmed(line[line.index(after: colon)...])))
        }
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// Ends the transfer with libcurl's `code`: calls the completion and frees the handle.
    func finish(_ code: CURLcode) {
        var status = 0
        if code == CURLE_OK {
            var value = 0
            if trellis_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &value) == CURLE_OK { status = value }
        }
        var outcome = Self.outcome(of: code)
        var text = ""
        if code != CURLE_OK {
            text = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        }
        if bodyTooLarge {
            outcome = .protocolError
            text = "response body larger than \(Self.maximumBodyBytes) bytes"
        }
        let response = HTTPResponse(
            outcome: outcome, status: status, headers: outcome == .ok ? headers : [], body: outcome == .ok ? body : [], errorText: text,
            elapsedNanoseconds: Self.nanoseconds(since: start), requestID: id)
        release()
        completion(response)
    }

    /// Ends the transfer without a response: `outcome` with `text`.
    func fail(_ outcome: NetOutcome, _ text: String) {
        var response = HTTPResponse.failed(outcome, text, id: id)
        response.elapsedNanoseconds = Self.nanoseconds(since: start)
        release()
        completion(response)
    }

    private func release() {
        curl_easy_cleanup(easy)
        curl_slist_free_all(fieldList)
        fieldList = nil
        errorBuffer.deallocate()
    }

    static func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The outcome libcurl's `code` stands for.
    static func outcome(of code: CURLcode) -> NetOutcome {
        switch code {
        case CURLE_OK: .ok
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SSL_CONNECT_ERROR,
            CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CLIENTCERT:
            .refused
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR: .closed
        case CURLE_ABORTED_BY_CALLBACK: .canceled
        default: .protocolError
        }
    }
}
