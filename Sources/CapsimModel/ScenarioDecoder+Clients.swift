import Yams

// `clients:` — the users' side of traffic.routes: network classes (share, round trip, loss),
// the client's timeout and its retries with exponential backoff and jitter.

extension ScenarioDecoder {
    func clients(_ node: Node) -> Clients? {
        guard let o = Obj(r, node, "clients", kind: "clients", required: ["networks"]) else { return nil }
        var networks: [Clients.Network] = []
        for (name, n, path) in o.named("networks") ?? [] {
            guard let net = Obj(r, n, path, kind: "network", required: ["share", "rtt"]) else { continue }
            let share = net.percent("share")
            let rtt = net["rtt"].flatMap { serviceTime($0, net.sub("rtt")) }
            guard let share, let rtt else { continue }
            networks.append(Clients.Network(name: name, share: share, rtt: rtt, loss: net.percent("loss") ?? 0))
        }
        return Clients(timeout: o.duration("timeout") ?? Defaults.clientTimeout, retries: o.int("retries") ?? Defaults.clientRetries,
                       backoff: o["backoff"].flatMap(clientBackoff) ?? Defaults.clientBackoff, networks: networks)
    }

    /// `backoff: 1s` (the base, with the default cap and jitter) or `{base, max, jitter}`.
    func clientBackoff(_ node: Node) -> Clients.Backoff? {
        let path = "clients.backoff", d = Defaults.clientBackoff
        if case .scalar = node {
            return parseScalar(r, node, path, "a duration (the first retry's cap) or {base, max, jitter}", Duration.example) {
                Duration(parsing: $0).map { Clients.Backoff(base: $0.seconds, max: max($0.seconds, d.max), jitter: d.jitter) }
            }
        }
        guard let o = Obj(r, node, path, kind: "client_backoff") else { return nil }
        let base = o.duration("base") ?? d.base
        return Clients.Backoff(base: base, max: o.duration("max") ?? max(base, d.max), jitter: o.choice("jitter", Clients.Jitter.self) ?? d.jitter)
    }
}
