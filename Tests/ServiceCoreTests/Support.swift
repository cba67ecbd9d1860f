import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import ServiceCore

let testSecret = Array("capsim-test-secret".utf8)

func temporaryDatabasePath() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-servicecore-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("serve.sqlite").path
}

/// A small service on 127.0.0.1:0 with a 2,000-product catalogue in a fresh file.
func testConfiguration(_ tweak: (inout ServiceConfiguration) -> Void = { _ in }) -> ServiceConfiguration {
    var c = ServiceConfiguration()
    c.port = 0
    c.catalogueSize = 2_000
    c.databasePath = temporaryDatabasePath()
    c.tokenSecret = testSecret
    c.rewardsInterval = .milliseconds(50)
    tweak(&c)
    return c
}

/// Starts the service, runs `body` with a client, and always shuts the service down.
func withService(_ tweak: (inout ServiceConfiguration) -> Void = { _ in },
                 _ body: (ServiceConfiguration, Client) async throws -> Void) async throws {
    let config = testConfiguration(tweak)
    let service = try await RunningService.start(config, timeout: .seconds(60))
    do {
        try await body(config, Client(port: service.port))
    } catch {
        try? await service.shutdown()
        throw error
    }
    try await service.shutdown()
}

struct Reply: Sendable {
    let status: Int
    let headers: [String: String]
    let body: String

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }
}

/// A minimal HTTP client over URLSession (every request times out after 30 s).
struct Client: Sendable {
    let port: Int
    let session: URLSession

    init(port: Int) {
        self.port = port
        let config = URLSessionConfiguration.ephemeral
        config.httpMaximumConnectionsPerHost = 64
        config.timeoutIntervalForRequest = 30
        config.timeoutIntervalForResource = 30
        session = URLSession(configuration: config)
    }

    func send(_ method: String, _ path: String, json body: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var h: [String: String] = [:]
        for (k, v) in http.allHeaderFields { h["\(k)"] = "\(v)" }
        return Reply(status: http.statusCode, headers: h, body: String(decoding: data, as: UTF8.self))
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Reply {
        try await send("GET", path, headers: headers)
    }

    func post(_ path: String, _ json: String, headers: [String: String] = [:]) async throws -> Reply {
        try await send("POST", path, json: json, headers: headers)
    }

    func token(_ creator: String = "abebe", _ password: String = "abebe-pass") async throws -> String {
        let r = try await post("/auth/token", #"{"creator":"\#(creator)","password":"\#(password)"}"#)
        guard r.status == 200, let token = r.json["token"] as? String else { throw TestFailure("no token: \(r.status) \(r.body)") }
        return token
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
