import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a service's Prometheus `/metrics` page over one plain HTTP/1.1 request, to take the
/// counters `capsim calibrate` needs (`process_cpu_seconds_total`) before and after a run.
/// Blocking and tiny on purpose: it runs between load runs, never during one.
public enum MetricsProbe {
    /// The page's text, or nil when the target has no `/metrics` or cannot be reached within
    /// `timeout` seconds.
    public static func fetch(_ target: URL, path: String = "/metrics", timeout: Double = 5) -> String? {
        guard let endpoint = Endpoint(target) else { return nil }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(endpoint.host)\r\nUser-Agent: capsim-calibrate\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
        // Read until the body named by Content-Length is in (a server may keep the connection
        // open whatever the request asked: waiting for EOF would wait for the timeout), or EOF.
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let separator: [UInt8] = [13, 10, 13, 10]
        var expected: Int?
        while expected.map({ data.count < $0 }) ?? true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if expected == nil, let end = data.indices.dropLast(3).first(where: { Array(data[$0..<$0 + 4]) == separator }) {
                let head = String(decoding: data[..<end], as: UTF8.self).lowercased()
                if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                   let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) {
                    expected = end + 4 + length
                }
            }
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.hasPrefix("HTTP/1."), text.split(separator: " ", maxSplits: 2).dropFirst().first == "200",
              let split = text.range(of: "\r\n\r\n") else { return nil }
        return String(text[split.upperBound...])
    }

    /// The value of an unlabelled sample `name value` in a Prometheus text page.
    public static func value(_ name: String, in page: String) -> Double? {
        for line in page.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// The target's CPU seconds so far (`process_cpu_seconds_total`), if it exposes them.
    public static func cpuSeconds(_ target: URL) -> Double? {
        fetch(target).flatMap { value("process_cpu_seconds_total", in: $0) }
    }
}
