import Testing
import TrellisHost

@Suite struct JSONSchemaTests {
    private func schema(_ text: String) throws -> JSONSchema {
        let (root, problems) = YAMLReader.read(text, file: "schema.json")
        #expect(problems.isEmpty)
        return JSONSchema(try #require(root))
    }

    private func value(_ text: String) throws -> ValueNode {
        try #require(YAMLReader.read(text, file: "value.yaml").0)
    }

    @Test func checksTypesRangesAndKeys() throws {
        let schema = try schema(
            #"""
            {"type": "object", "required": ["n"], "additionalProperties": false,
             "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 10},
                            "x": {"type": "number", "exclusiveMinimum": 0},
                            "s": {"enum": ["a", "b"]}, "l": {"type": "array", "items": {"type": "string"}, "maxItems": 2}}}
            """#)
        #expect(schema.validate(try value("{n: 3, x: 0.5, s: a, l: [p, q]}")).isEmpty)
        #expect(schema.validate(try value("{n: 3.0}")).isEmpty, "3.0 is an integer in JSON Schema")
        let messages = schema.validate(try value("{n: 0, x: 0, s: c, l: [p, 1, r], y: 1}")).map { "\($0.path.joined(separator: ".")): \($0.message)" }
        #expect(
            messages.sorted() == [
                "l.1: must be a string, not integer 1",
                "l: must have at most 2 items, not 3",
                "n: must be at least 1, not 0",
                "s: must be one of 'a', 'b', not 'c'",
                "x: must be greater than 0, not 0",
                "y: unknown key 'y'",
            ])
        #expect(schema.validate(try value("{x: 1}")).map(\.message) == ["needs the key 'n'"])
    }

    @Test func fillsDefaults() throws {
        let schema = try schema(
            #"{"type": "object", "properties": {"a": {"type": "integer", "default": 5}, "b": {"type": "object", "properties": {"c": {"default": "z"}}, "default": {}}}}"#
        )
        let filled = schema.withDefaults(try value("{b: {}}"))
        #expect(filled["a"]?.integer == 5)
        #expect(filled["b"]?["c"]?.string == "z")
        #expect(filled.jsonText == #"{"b":{"c":"z"},"a":5}"#)
    }

    @Test func combinatorsAndReferences() throws {
        let schema = try schema(
            #"""
            {"$defs": {"label": {"type": "string", "maxLength": 3}},
             "anyOf": [{"$ref": "#/$defs/label"}, {"type": "array", "items": {"$ref": "#/$defs/label"}}]}
            """#)
        #expect(schema.validate(try value("abc")).isEmpty)
        #expect(schema.validate(try value("[ab, cd]")).isEmpty)
        #expect(schema.validate(try value("abcd")).map(\.message) == ["must have at most 3 characters, not 4"])
        #expect(!schema.validate(try value("7")).isEmpty)
    }

    @Test func suggestionsFindTypos() {
        #expect(Suggestion.closest(to: "inptus", in: ["use", "inputs", "params", "when"]) == "inputs")
        #expect(Suggestion.closest(to: "zzzzzz", in: ["use", "inputs"]) == nil)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
    }
}
