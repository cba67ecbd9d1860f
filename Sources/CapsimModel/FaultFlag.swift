import Yams

/// `--fault`: one what-if per flag. The flag travels as an override (`faults[+]=VALUE`), so a
/// stored run that is rebuilt from its text and overrides gets the same faults. VALUE names a
/// fault written in the scenario (which is turned on), or is a fault of its own: the short form
/// (`zone-loss:zone-a@30m+10m`) or a flow mapping (`{kind: pod-crash, service: auth-service, at: 20m}`),
/// appended to `faults:` and validated like a row of the file.
public enum FaultFlag {
    static let key = "faults[+]"

    /// The override that carries one `--fault` value.
    public static func override(_ value: String) -> String { "\(key)=\(value)" }

    static func apply(_ value: String, to root: inout Node) {
        guard case .mapping(var top) = root else { return }
        var rows: [Node] = []
        if case .sequence(let existing)? = top["faults"] { rows = Array(existing) }
        if let i = rows.firstIndex(where: { name(of: $0) == value }) {
            if case .mapping(var m) = rows[i] { m["enabled"] = Node("true"); rows[i] = .mapping(m) }
        } else if value.hasPrefix("{"), let parsed = try? Yams.compose(yaml: value) {
            rows.append(Overrides.stripMarks(parsed))
        } else {
            rows.append(Node(value, .implicit, .plain))
        }
        top["faults"] = .sequence(Node.Sequence(rows))
        root = .mapping(top)
    }

    /// A row's name: its `name`, or the short form it is written as.
    static func name(of row: Node) -> String? {
        switch row {
        case .scalar(let s): return s.string
        case .mapping(let m): return m["name"]?.scalar?.string
        default: return nil
        }
    }
}
