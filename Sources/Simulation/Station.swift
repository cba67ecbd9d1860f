import CapsimModel
import Histogram

public enum PodState: UInt8, Sendable { case starting, ready, draining, gone }

/// One instance of a service: its slots, its own queue (per-instance discipline), and what
/// it used this metrics window.
struct Pod {
    var state: PodState
    var busy: Int32 = 0
    let started: Double
    var readyAt: Double
    var queue = RingBuffer(capacity: 16)
    /// CPU-seconds used since the last sample.
    var cpuWindow = 0.0
    /// CPU usage (millicores) over the last completed window; nil before its first window.
    var lastUsage: Double?
    /// Since when the pod's CPU demand has been above its ceiling (throttled); nil: it is not.
    var throttledSince: Double?
    /// The zone it runs in (`platform.zones`, by index); nil when the scenario has no zones.
    var zone: UInt8?
    /// It runs on spot capacity (a `spot-preemption` fault's share; see `SpotCapacity`).
    var spot = false
    var outstanding: Int32 { busy + Int32(queue.count) }
    /// Counted as a replica by its controller and replaced by its Deployment when lost:
    /// starting or ready (not draining, not gone).
    var isReplica: Bool { state == .starting || state == .ready }
}

extension Station {
    /// A pod's CPU demand in cores: busy slots × CPU per request ÷ mean service time.
    @inline(__always)
    func cpuDemand(pod p: Int) -> Double { Double(pods[p].busy) * cpuPerRequest / sampler.mean }
}

/// HdrHistogram, for the percentiles a run reports (filled from `LogHistogram` buckets).
typealias LatencyHistogram = Histogram<UInt64>

/// Latency histograms in microseconds up to 1 hour: 3 significant digits for whole runs,
/// 2 (1 %) for the per-sample windows, which are read and reset every sample.
func runHistogram() -> LogHistogram { LogHistogram(digits: 3) }
func windowHistogram() -> LogHistogram { LogHistogram(digits: 2, rawLimit: 512) }

/// Everything the simulator tracks for one service: its pods, queue(s), sampler, random
/// streams and counters. A class so the engine mutates stations in place.
final class Station {
    let index: Int
    let spec: StationSpec
    var name: String { spec.name }
    let slots: Int32
    let sampler: Sampler
    let perInstance: Bool
    let balancing: LoadBalancing
    let queueLimit: Int?
    let timeout: Double?
    let cpuPerRequest: Double
    let requestCores: Double
    /// The most CPU a pod can use (its limit, else its node's spare CPU), in cores.
    let limitCores: Double
    var serviceRNG: RandomStream
    var balanceRNG: RandomStream
    /// An external dependency's share of calls answered with an error (0 for every other
    /// station, which then never draws from `errorRNG`).
    /// Varied by `dependency-outage` faults while they last.
    var errorRate: Double
    var errorRNG: RandomStream
    /// Seconds added to every service time here: a `dependency-slowdown` fault in force (0 otherwise).
    var extraLatency = 0.0

    var pods: [Pod] = []
    /// Indices of ready pods that take new work, in index order.
    var routable: [Int32] = []
    var roundRobin = 0
    var shared = RingBuffer(capacity: 64)

    // Counters since the start of measurement (after warm-up).
    var arrivals = 0, completed = 0, dropped = 0, timedOut = 0
    /// Requests (after warm-up) that were in service or queued on a pod when a fault killed it.
    var lost = 0
    var maxQueue = 0
    var podSeconds = 0.0
    var lastPodChange = 0.0
    var aliveCount = 0
    /// The part of `podSeconds` on spot pods, and the spot pods not gone (0 without spot).
    var spotPodSeconds = 0.0
    var spotAliveCount = 0
    var sloBreaches = 0
    /// Pod-seconds after warm-up with CPU demand above the ceiling (throttled), and the highest
    /// sampled CPU utilisation (mean over ready pods ÷ request) after warm-up.
    var throttledSeconds = 0.0
    var peakCPU = 0.0
    var runLatency = runHistogram()
    var runLatencySum = 0.0
    /// Time in the queue before a slot (requests that started after warm-up), and time
    /// holding the slot (requests completed after warm-up).
    var runWait = runHistogram()
    var runWaitSum = 0.0
    var runServiceSum = 0.0
    var runService = runHistogram()
    /// Requests that took a slot after warm-up, and those of them that queued for it first.
    var runStarted = 0, runQueued = 0
    /// The longest any request held a slot here, over the whole run: a check that no service
    /// time exceeds what the station's distribution (stretched by CPU throttling) can give.
    var longestService = 0.0
    /// Requests waiting outside the station to reach it: for a database connection, a hot
    /// row's lock, or a caller's connection pool. Now, the most after warm-up, and their waits.
    var blocked = 0
    var maxBlocked = 0
    var runBlockedWait = runHistogram()
    var runBlockedWaitSum = 0.0

    // This sample window.
    var wArrivals = 0, wCompleted = 0, wDropped = 0, wTimedOut = 0
    var wLatency = windowHistogram()
    var wLatencySum = 0.0
    /// Queue waits of the requests that started this window; waits outside that ended.
    var wWaitSum = 0.0, wStarted = 0
    var wBlockedWaitSum = 0.0, wUnblocked = 0
    /// Route-scoped latency windows for triggers with `route`: route index → histogram.
    var routeWindows: [Int: LogHistogram] = [:]

    /// Kept apart from `spec` (a large struct) because the hot path reads it per event.
    let isDatabasePrimary: Bool
    /// Busy slots over all pods, for consumer groups' partition cap.
    var totalBusy: Int32 = 0
    let parallelCap: Int32

    init(index: Int, spec: StationSpec, seed: UInt64) {
        self.index = index
        self.spec = spec
        slots = Int32(spec.slots)
        sampler = Sampler(spec.serviceTime)
        perInstance = spec.queue.discipline == .perInstance
        balancing = spec.queue.balancing
        queueLimit = spec.queue.limit
        timeout = spec.queue.timeout
        cpuPerRequest = spec.cpuPerRequest
        requestCores = spec.requestCores
        limitCores = spec.limitCores
        parallelCap = spec.parallelCap.map { Int32($0) } ?? .max
        isDatabasePrimary = spec.kind == .databasePrimary
        let prefix: String
        switch spec.kind {
        case .service: prefix = "service"
        case .consumerGroup: prefix = "consumers"
        case .databasePrimary, .databaseReplicas: prefix = "database"
        case .dependency: prefix = "dependency"
        }
        errorRate = spec.errorRate
        errorRNG = RandomStream(seed: seed, name: "\(prefix)/\(spec.name)/errors")
        serviceRNG = RandomStream(seed: seed, name: "\(prefix)/\(spec.name)/service-time")
        balanceRNG = RandomStream(seed: seed, name: "\(prefix)/\(spec.name)/balance")
    }

    /// Pods counted as replicas by the controller: starting or ready (not draining).
    var replicas: Int { pods.reduce(0) { $0 + ($1.isReplica ? 1 : 0) } }
    /// Indices of the pods that count as replicas (see `Pod.isReplica`).
    var replicaPods: [Int] { pods.indices.filter { pods[$0].isReplica } }
    var readyCount: Int { routable.count }
    var startingCount: Int { pods.reduce(0) { $0 + ($1.state == .starting ? 1 : 0) } }
    var busySlots: Int { pods.reduce(0) { $0 + Int($1.busy) } }
    var queueLength: Int { shared.count + pods.reduce(0) { $0 + $1.queue.count } }

    func rebuildRoutable() {
        routable.removeAll(keepingCapacity: true)
        for (i, p) in pods.enumerated() where p.state == .ready { routable.append(Int32(i)) }
    }

    /// Accumulates pod-seconds up to `now` before the alive count changes.
    func accountPods(_ now: Double, measuring: Bool) {
        if measuring {
            podSeconds += Double(aliveCount) * (now - lastPodChange)
            spotPodSeconds += Double(spotAliveCount) * (now - lastPodChange)
        }
        lastPodChange = now
        var alive = 0, spot = 0
        for p in pods where p.state != .gone { alive += 1; if p.spot { spot += 1 } }
        aliveCount = alive
        spotAliveCount = spot
    }

    /// The pod a new request joins under per-instance queues; nil when no pod is ready.
    @inline(__always)
    func choosePod() -> Int32? {
        let n = routable.count
        guard n > 0 else { return nil }
        switch balancing {
        case .random:
            return routable[Int(balanceRNG.next() % UInt64(n))]
        case .roundRobin:
            roundRobin = roundRobin >= n - 1 ? 0 : roundRobin + 1
            return routable[roundRobin]
        case .leastOutstanding:
            var best = routable[0], bestLoad = pods[Int(best)].outstanding
            for i in 1..<n {
                let p = routable[i], load = pods[Int(p)].outstanding
                if load < bestLoad { best = p; bestLoad = load }
            }
            return best
        }
    }
}
