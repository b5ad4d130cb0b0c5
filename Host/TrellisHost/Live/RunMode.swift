import CTrellis

/// How a graph runs (DESIGN §4): the mode decides where data comes from and who fills orders.
public enum RunMode: String, Sendable, CaseIterable {
    /// Historical feeds, the simulated venue.
    case backtest
    /// Live data from the graph's feed and broker nodes, orders filled by the simulated venue.
    case paper
    /// Live data, orders sent to the graph's broker nodes (testnet unless real money is asked for twice).
    case live

    /// The value `trellis_create_args.run_mode` carries.
    var rawValue32: Int32 {
        switch self {
        case .backtest: TRELLIS_MODE_BACKTEST
        case .paper: TRELLIS_MODE_PAPER
        case .live: TRELLIS_MODE_LIVE
        }
    }
}
