/// The shadow side of a run (docs/shadow.md): which node ids make up each side of each
/// challenger's comparison, both sides' equity after each timestamp, and the testers' verdicts.
struct ShadowBook {
    let challengers: [ResolvedGraph.ShadowPlan.Challenger]
    let testers: [Int]
    /// Per challenger: ids of the nodes of each side.
    let championIDs: [[UInt32]]
    let challengerIDs: [[UInt32]]
    /// Per champion node name: the challengers whose champion side it is on.
    let championSides: [String: [Int]]
    /// Per challenger: each side's equity after each timestamp.
    var championCurves: [[Double]]
    var challengerCurves: [[Double]]
    /// Closed trades already sent to the testers, per venue (0: the graph's own, k: challenger k's).
    var reportedTrades: [Int]
    var verdicts: [RunResult.ShadowVerdict] = []

    init(graph: ResolvedGraph, feedCount: Int, expectedSteps: Int) {
        challengers = graph.shadow.challengers
        testers = graph.shadow.testers
        let id = { (slot: Int) in UInt32(feedCount + 1 + slot) }
        championIDs = challengers.map { $0.championSlots.map(id) }
        challengerIDs = challengers.map { $0.challengerSlots.map(id) }
        var sides: [String: [Int]] = [:]
        for (index, challenger) in challengers.enumerated() {
            for slot in challenger.championSlots { sides[graph.nodes[slot].name, default: []].append(index) }
        }
        championSides = sides
        var curve: [Double] = []
        curve.reserveCapacity(challengers.isEmpty ? 0 : expectedSteps)
        championCurves = Array(repeating: curve, count: challengers.count)
        challengerCurves = championCurves
        // Trade books: the run's venue, the paper baseline's (live runs), then each challenger's.
        reportedTrades = Array(repeating: 0, count: challengers.count + 2)
    }

    var isActive: Bool { !challengers.isEmpty }
}
