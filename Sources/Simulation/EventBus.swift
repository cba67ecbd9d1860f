import CapsimModel

/// The event bus: what each service publishes per completed request and which consumer
/// groups receive it (Kafka delivers a topic to every group). Owns the
/// `service/NAME/publish` streams. Consumer groups themselves are stations.
struct EventBus {
    struct Publication { let groups: [Int32]; let perRequest: Double }
    /// Indexed by service.
    let publications: [[Publication]]
    var rng: [RandomStream]

    init(scenario: Scenario, station: [String: Int32], seed: UInt64) {
        let names = scenario.serviceNames
        let groups = scenario.eventBus?.consumerGroupNames ?? []
        publications = names.map { n in
            scenario.services[n]!.publishes.map { pub in
                Publication(groups: groups.filter { scenario.eventBus!.consumerGroups[$0]!.topic == pub.topic }.map { station[$0]! },
                            perRequest: pub.perRequest)
            }
        }
        rng = names.map { RandomStream(seed: seed, name: "service/\($0)/publish") }
    }
}

extension Simulator {
    /// Publishes a completed request's events: each subscribed consumer group gets its copy,
    /// queued as that group's lag.
    func publish(from s: Int) {
        for pub in eventBus.publications[s] {
            let whole = pub.perRequest.rounded(.down)
            let n = Int(whole) + (eventBus.rng[s].uniform() < pub.perRequest - whole ? 1 : 0)
            for _ in 0..<n {
                for g in pub.groups { enter(requests.add(Request(kind: .message, born: now)), station: Int(g)) }
            }
        }
    }
}
