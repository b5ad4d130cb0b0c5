/// The JSON Schema of the `features` node's parameters. Which settings each indicator takes is
/// checked when the node is created (docs/indicators.md lists them).
let featuresParameters = """
    {
      "type": "object",
      "required": ["features"],
      "additionalProperties": false,
      "properties": {
        "features": {
          "type": "array", "minItems": 1,
          "description": "The indicators, in the order of the vector's values.",
          "items": {
            "type": "object",
            "required": ["indicator"],
            "additionalProperties": false,
            "properties": {
              "indicator": {"enum": ["price", "sma", "ema", "wma", "rsi", "macd", "bollinger", "true_range", "atr", "adx", "stochastic",
                                     "williams_r", "roc", "cci", "obv", "vwap", "cmf", "keltner", "donchian", "aroon", "stddev", "zscore",
                                     "efficiency_ratio", "hurst", "realized_volatility", "log_return", "time_of_day", "day_of_week"]},
              "name": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_.-]*$", "description": "The value's name (default: indicator_period)."},
              "source": {"enum": ["close", "open", "high", "low", "volume", "hl2", "hlc3", "ohlc4"], "description": "Input of one-input indicators."},
              "period": {"type": "integer", "minimum": 1, "maximum": 100000},
              "fast": {"type": "integer", "minimum": 1, "maximum": 100000},
              "slow": {"type": "integer", "minimum": 1, "maximum": 100000},
              "signal": {"type": "integer", "minimum": 1, "maximum": 100000},
              "k": {"type": "integer", "minimum": 1, "maximum": 100000},
              "d": {"type": "integer", "minimum": 1, "maximum": 100000},
              "atr_period": {"type": "integer", "minimum": 1, "maximum": 100000},
              "min_lag": {"type": "integer", "minimum": 1, "maximum": 100000},
              "max_lag": {"type": "integer", "minimum": 2, "maximum": 100000},
              "deviations": {"type": "number", "exclusiveMinimum": 0},
              "multiplier": {"type": "number", "exclusiveMinimum": 0},
              "periods_per_year": {"type": "number", "exclusiveMinimum": 0},
              "outputs": {"type": "array", "minItems": 1, "items": {"type": "string"}, "description": "Which outputs of a several-output indicator to keep."}
            }
          }
        },
        "skip_warmup": {"type": "boolean", "default": false,
                        "description": "Emit nothing until every feature has a value (default: a vector every bar, NaN while warming up)."}
      }
    }
    """
