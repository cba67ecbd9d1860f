
/// Builds a value of a `Decodable` type from values already in hand, one per coding key.
///
/// Why it exists: the result types' memberwise initialisers are internal to their modules, so
/// `Decodable` is the only public way to make a `SimulationResult`. Going through JSON text for
/// a timeline of 10⁶ samples would cost seconds; this hands the decoder the finished arrays.
/// Each value must have exactly the property's type; a nil optional is simply left out.
struct FieldsDecoder: Decoder {
    let fields: [String: Any]
    var codingPath: [CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Container<Key>(fields: fields, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "FieldsDecoder decodes keyed values only"))
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "FieldsDecoder decodes keyed values only"))
    }

    struct Container<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let fields: [String: Any]
        let codingPath: [CodingKey]

        var allKeys: [Key] { fields.keys.compactMap(Key.init(stringValue:)) }
        func contains(_ key: Key) -> Bool { fields[key.stringValue] != nil }
        func decodeNil(forKey key: Key) throws -> Bool { fields[key.stringValue] == nil }

        /// Satisfies every `decode(_:forKey:)` requirement, the scalar ones included.
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let value = fields[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no stored value for \(key.stringValue)"))
            }
            guard let typed = value as? T else {
                throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath + [key],
                                                               debugDescription: "stored \(Swift.type(of: value)), expected \(T.self)"))
            }
            return typed
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(type, .init(codingPath: codingPath + [key], debugDescription: "nested containers are not stored"))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath + [key], debugDescription: "nested containers are not stored"))
        }

        func superDecoder() throws -> Decoder { FieldsDecoder(fields: fields, codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> Decoder { FieldsDecoder(fields: fields, codingPath: codingPath + [key]) }
    }
}
