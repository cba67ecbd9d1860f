/// What the kernel hands each event to. The engine's feature modules sit behind one handler;
/// the kernel never looks inside an event beyond its time and order.
protocol EventHandler: AnyObject {
    /// Handles `event` at `kernel.now` (already advanced to it); false ends the run.
    func handle(_ event: Event) throws -> Bool
}

/// The discrete-event kernel: the clock, the event queue and the loop that pops events in
/// (time, priority, sequence) order and hands them on. It knows nothing of services, routes
/// or pods — in the spirit of SimPy's `Environment.step()`. A class so that every feature
/// module schedules into the one queue through a shared reference.
final class Kernel {
    /// Simulated seconds since the start of the run: the time of the event being handled.
    private(set) var now = 0.0
    /// Events handled so far.
    private(set) var processed: UInt64 = 0
    var queue = EventQueue(capacity: 4096)
    /// Called about every 2²⁰ events with (now, events so far).
    let progress: (@Sendable (Double, UInt64) -> Void)?

    init(progress: (@Sendable (Double, UInt64) -> Void)?) { self.progress = progress }

    @inline(__always)
    func schedule(_ kind: EventKind, at time: Double, _ a: Int32 = 0, _ b: Int32 = 0) {
        queue.schedule(kind, at: time, a, b)
    }

    /// A lane for events of one kind always scheduled a fixed delay after `now` (see `EventQueue`).
    func addLane() -> Int { queue.addLane() }

    @inline(__always)
    func schedule(_ kind: EventKind, lane: Int, at time: Double, _ a: Int32 = 0, _ b: Int32 = 0) {
        queue.schedule(kind, lane: lane, at: time, a, b)
    }

    /// Runs until the handler ends the run or no event is left. The clock never goes back: an
    /// event in the past is an engine fault, reported rather than handled.
    func run<H: EventHandler>(_ handler: H) throws {
        while let e = queue.pop() {
            guard e.time >= now else { throw SimulationError(engine: "the clock went back: an event at \(e.time) s after \(now) s") }
            now = e.time
            processed &+= 1
            guard try handler.handle(e) else { return }
            if processed & 0xFFFFF == 0, let progress { progress(now, processed) }
        }
    }
}
