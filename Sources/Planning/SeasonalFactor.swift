import CapsimModel
import Foundation

extension Planner {
    /// A service's seasonal factor at a horizon as the formula has it, before the plan raises
    /// it to the largest surge (`PlanRow.seasonalFactor` is the raised one). A simulation
    /// replays the surges itself, so it scales traffic by this factor and lets the surges ride
    /// on top: raising both would count a surge twice.
    public static func seasonalFactor(_ s: Scenario, service: String, months: Int, now: Date = Date()) -> Double {
        if s.planning.seasonalFromCalendar {
            return CalendarSeasonal.resolve(s, service: service, months: months, from: CalendarSeasonal.start(s, now: now)).factor
        }
        guard let sv = s.services[service] else { return 1 }
        return sv.factors.resolved(over: s.planning.factors).seasonal.mid
    }
}
