import Foundation
import TrellisSDK

/// The grid's parameters, read and checked.
struct GridSettings {
    let levels: Int
    let geometric: Bool
    /// In price units (arithmetic), percent (geometric), or ATRs with `spacingInATR`.
    let spacing: Double
    let spacingInATR: Bool
    let quantity: Double
    let maxInventory: Double
    let recenterLevels: Int
    let atrPeriod: Int
    let breakoutATR: Double
    let standAsideOn: [String]
    let rearmOn: String
    let cooldown: Int
    let hedge: Bool

    init(_ parameters: Parameters) throws(PluginError) {
        levels = try parameters.integer("levels")
        geometric = try parameters.string("type") == "geometric"
        spacing = try parameters.number("spacing")
        spacingInATR = try parameters.string("spacing_unit") == "atr"
        quantity = try parameters.number("quantity")
        let limit = try parameters.number("max_inventory")
        maxInventory = limit > 0 ? limit : Double(levels) * quantity
        recenterLevels = min(try parameters.integer("recenter_levels"), levels)
        atrPeriod = try parameters.integer("atr_period")
        breakoutATR = try parameters.number("breakout_atr")
        let labels = try parameters.string("stand_aside_on")
        standAsideOn = labels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        rearmOn = try parameters.string("rearm_on")
        cooldown = try parameters.integer("cooldown")
        hedge = try parameters.string("exit") == "hedge"
        guard spacing > 0 else { throw PluginError("spacing must be above 0") }
    }
}

let gridParameters = """
    {
      "type": "object",
      "required": ["spacing", "quantity"],
      "additionalProperties": false,
      "properties": {
        "type": {"enum": ["arithmetic", "geometric"], "default": "arithmetic", "description": "Levels a fixed distance apart, or a fixed ratio."},
        "levels": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 5, "description": "Levels on each side of the centre."},
        "spacing": {"type": "number", "exclusiveMinimum": 0,
                    "description": "Between levels: a price distance (arithmetic) or a percentage (geometric); in ATRs with spacing_unit: atr."},
        "spacing_unit": {"enum": ["fixed", "atr"], "default": "fixed", "description": "fixed: spacing as given; atr: spacing × ATR when the grid is laid."},
        "quantity": {"type": "number", "exclusiveMinimum": 0, "description": "Order size per level, in units."},
        "max_inventory": {"type": "number", "minimum": 0, "default": 0,
                          "description": "Largest position either way, in units; 0: levels × quantity."},
        "recenter_levels": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 2,
                            "description": "Re-lay the grid around the price when it drifts this many levels from the centre with no position; 0: never."},
        "atr_period": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 14, "description": "ATR period for spacing and the breakout."},
        "breakout_atr": {"type": "number", "minimum": 0, "default": 2,
                         "description": "Stand aside when the close is this many ATRs beyond the outermost level; 0: never."},
        "stand_aside_on": {"type": "string", "default": "trending-up, trending-down, volatile",
                           "description": "Regime labels (comma-separated) that make the grid stand aside, from a signal input."},
        "rearm_on": {"type": "string", "default": "ranging", "description": "The regime label the grid waits for before re-arming."},
        "cooldown": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 10, "description": "Bars to wait after standing aside before re-arming."},
        "exit": {"enum": ["flatten", "hedge"], "default": "flatten",
                 "description": "On standing aside: close the position, or send the opposite order (a hedging broker keeps both)."}
      }
    }
    """
