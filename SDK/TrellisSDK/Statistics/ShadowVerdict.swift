/// What a shadow comparison concludes about a challenger running beside its champion.
public enum ShadowVerdict: String, Sendable, CaseIterable {
    /// Too few returns on one side or both to judge.
    case insufficientData = "insufficient-data"
    /// The challenger earns more, beyond what luck explains.
    case challengerBetter = "challenger-better"
    /// The champion earns more, beyond what luck explains.
    case championBetter = "champion-better"
    /// No gap beyond what luck explains.
    case noDifference = "no-difference"

    /// The verdict in one plain sentence, for someone who has never met a statistical test.
    public var meaning: String {
        switch self {
        case .insufficientData:
            "Too early to tell: one side or both has too few returns yet to separate a real difference from luck, so keep both running."
        case .challengerBetter:
            "The challenger earns more than the champion by a margin that luck alone would very rarely produce, even counting every time "
                + "the results were checked, so it is a real candidate to replace the champion."
        case .championBetter:
            "The challenger earns less than the champion by a margin that luck alone would very rarely produce, even counting every time "
                + "the results were checked, so keep the champion."
        case .noDifference:
            "So far the two behave the same: any gap between them is the size that luck alone produces, so nothing says the challenger "
                + "should replace the champion."
        }
    }
}
