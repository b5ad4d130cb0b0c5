import CTrellis

/// Shadow A/B (docs/shadow.md): each challenger's copies trade on a venue of their own, and the
/// testers receive both sides' equity after each timestamp and every closed round trip.
extension Engine {
    /// Sends the testers the challengers' names, before the first event.
    func sendShadowBranches() {
        guard shadow.isActive, !shadow.testers.isEmpty else { return }
        var payload = header(flags: 0)
        for challenger in shadow.challengers {
            payload += Array(challenger.name.utf8) + [0] + Array(challenger.replaces.utf8) + [0]
        }
        sendToTesters(TRELLIS_CUSTOM_SHADOW_BRANCHES, payload, at: state.pointee.now)
    }

    /// Records both sides' equity after a timestamp and sends it, with the trades closed since
    /// the last one, to the testers. `final`: the run's end, after settling; it restates the last
    /// timestamp's equity.
    func sendShadowStep(at time: Int64, final: Bool = false) {
        guard shadow.isActive else { return }
        var values: [Double] = []
        for index in shadow.challengers.indices {
            let champion = sideEquity(championVenue(index), ids: shadow.championIDs[index])
            let challenger = sideEquity(shadowVenues[index], ids: shadow.challengerIDs[index])
            if final, !shadow.championCurves[index].isEmpty {
                shadow.championCurves[index][shadow.championCurves[index].count - 1] = champion
                shadow.challengerCurves[index][shadow.challengerCurves[index].count - 1] = challenger
            } else {
                shadow.championCurves[index].append(champion)
                shadow.challengerCurves[index].append(challenger)
            }
            values += [champion, challenger]
        }
        guard !shadow.testers.isEmpty else { return }
        sendClosedTrades(at: time)
        var payload = header(flags: final ? TRELLIS_SHADOW_FINAL : 0)
        for value in values { withUnsafeBytes(of: value) { payload += $0 } }
        sendToTesters(TRELLIS_CUSTOM_SHADOW_EQUITY, payload, at: time)
    }

    /// The venue of challenger `index`'s champion side: the paper copy of the champion when the
    /// challenger asks for `baseline: paper` in a live run, else the run's venue.
    func championVenue(_ index: Int) -> SimulatedVenue {
        if let paperBaseline, shadow.challengers[index].paperBaseline { return paperBaseline }
        return venue
    }

    /// A side's equity: the venue's starting cash plus its nodes' realised and unrealised profit,
    /// less their commission.
    private func sideEquity(_ venue: SimulatedVenue, ids: [UInt32]) -> Double {
        var equity = venue.settings.cash
        for id in ids {
            let holdings = venue.nodeHoldings[Int(id)]
            for instrument in 1..<holdings.count {
                let holding = holdings[instrument]
                let last = venue.lastPrice[instrument]
                equity += holding.realized - holding.commission + (last.isFinite ? holding.unrealized(at: last) : 0)
            }
        }
        return equity
    }

    /// Sends the round trips each side closed since the last call.
    private func sendClosedTrades(at time: Int64) {
        let books: [SimulatedVenue?] = [venue, paperBaseline] + shadowVenues
        for (index, book) in books.enumerated() {
            guard let closed = book?.trades.closed, shadow.reportedTrades[index] < closed.count else { continue }
            for trade in closed[shadow.reportedTrades[index]...] {
                let sides: [(challenger: Int, side: UInt32)] =
                    index < 2
                    ? (shadow.championSides[trade.node] ?? []).filter { (championVenue($0) === paperBaseline) == (index == 1) }.map { ($0, 0) }
                    : [(index - 2, 1)]
                for (challenger, side) in sides {
                    var record = trellis_shadow_trade()
                    record.challenger = UInt32(challenger)
                    record.side = side
                    record.entry_ns = trade.entryTime
                    record.quantity = trade.quantity
                    record.entry_price = trade.entryPrice
                    record.exit_price = trade.exitPrice ?? .nan
                    record.net_profit = trade.netProfit()
                    record.return_fraction = trade.returnFraction()
                    sendToTesters(TRELLIS_CUSTOM_SHADOW_TRADE, withUnsafeBytes(of: record) { Array($0) }, at: trade.exitTime ?? time)
                }
            }
            shadow.reportedTrades[index] = closed.count
        }
    }

    private func header(flags: UInt32) -> [UInt8] {
        let branches = trellis_shadow_branches(count: UInt32(shadow.challengers.count), flags: flags)
        return withUnsafeBytes(of: branches) { Array($0) }
    }

    /// Delivers a custom event from the host (source 0) to every tester, draining after each.
    private func sendToTesters(_ customType: UInt32, _ payload: [UInt8], at time: Int64) {
        let size = MemoryLayout<trellis_custom>.size + payload.count
        // Words, so the event is 8-byte aligned as on_event promises.
        var words = [UInt64](repeating: 0, count: (size + 7) / 8)
        words.withUnsafeMutableBytes { bytes in
            var custom = trellis_custom()
            custom.header = trellis_event_header(
                size: UInt32(size), type: UInt16(TRELLIS_EVENT_CUSTOM), flags: 0, ts_ns: time, instrument: 0, source: 0)
            custom.custom_type = customType
            custom.length = UInt32(payload.count)
            bytes.storeBytes(of: custom, as: trellis_custom.self)
            bytes.baseAddress!.advanced(by: MemoryLayout<trellis_custom>.size).copyMemory(from: payload, byteCount: payload.count)
            let event = UnsafePointer(bytes.baseAddress!.assumingMemoryBound(to: trellis_event_header.self))
            for slot in shadow.testers {
                call(slot, event)
                if !queue.pointee.isEmpty { drain() }
            }
        }
    }

    /// Keeps a verdict a tester emitted (TRELLIS_CUSTOM_SHADOW_VERDICT) for the journal.
    func recordVerdict(from slot: Int, _ event: UnsafePointer<trellis_event_header>) {
        let custom = UnsafeRawPointer(event).load(as: trellis_custom.self)
        guard custom.custom_type == TRELLIS_CUSTOM_SHADOW_VERDICT, Int(custom.length) >= MemoryLayout<trellis_shadow_verdict>.size else { return }
        let verdict = UnsafeRawPointer(event).loadUnaligned(fromByteOffset: MemoryLayout<trellis_custom>.size, as: trellis_shadow_verdict.self)
        guard Int(verdict.challenger) < shadow.challengers.count else {
            noteProblem(slot: slot, "a verdict names challenger \(verdict.challenger); there are \(shadow.challengers.count)")
            return
        }
        shadow.verdicts.append(
            RunResult.ShadowVerdict(
                verdict, time: state.pointee.now, tester: graph.nodes[slot].name, challenger: shadow.challengers[Int(verdict.challenger)].name))
    }
}
