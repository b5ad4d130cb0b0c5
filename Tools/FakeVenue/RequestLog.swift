import Foundation
import Synchronization

/// A REST request as the venue received it, for tests that check what a client sent.
public struct FakeVenueRequest: Sendable, Equatable {
    /// The HTTP method, e.g. `POST`.
    public var method: String
    /// The path with its query, e.g. `/api/v1/orders?status=open`.
    public var path: String
    /// The body as text ("" when none).
    public var body: String
    /// The clientOrderId of the body or of the path ("" when none).
    public var clientOrderId: String
    /// When it arrived, in milliseconds since the epoch.
    public var time: Int64

    var json: String {
        var writer = JSONWriter()
        writer.add("method", method)
        writer.add("path", path)
        writer.add("body", body)
        writer.add("clientOrderId", clientOrderId)
        writer.add("time", time)
        return writer.string
    }
}

/// Every REST request under `/api/` received so far.
final class RequestLog: Sendable {
    private let requests = Mutex<[FakeVenueRequest]>([])

    init() {}

    /// Records a request.
    func record(method: String, path: String, body: String) {
        var clientOrderId = ""
        if let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] {
            clientOrderId = object["clientOrderId"].map { "\($0)" } ?? ""
        } else if path.hasPrefix("/api/v1/orders/") {
            clientOrderId = String(path.dropFirst("/api/v1/orders/".count).prefix { $0 != "?" }).removingPercentEncoding ?? ""
        }
        let request = FakeVenueRequest(
            method: method, path: path, body: body, clientOrderId: clientOrderId, time: Int64(Date().timeIntervalSince1970 * 1_000))
        requests.withLock { $0.append(request) }
    }

    /// Every request so far, oldest first.
    var all: [FakeVenueRequest] { requests.withLock { $0 } }
}
