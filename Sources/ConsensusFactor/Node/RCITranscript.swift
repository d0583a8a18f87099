import GridClearCore

/// Renders transcript entries as one JSON object per line (the CLI appends them to a file):
/// `{"receiver":…,"sender":…,"kind":…,"fields":{…}}` where plaintext numbers appear as numbers
/// and byte strings as `{"bytes":N,"hex":"…"}` — exactly what the receiver got.
extension RCITranscriptEntry {
    public var jsonLine: String {
        let q = CanonicalText.jsonString
        func hex(_ b: [UInt8]) -> String { "{\"bytes\":\(b.count),\"hex\":\"" + Hex.encode(b) + "\"}" }
        func list(_ xs: [[UInt8]]) -> String { "[" + xs.map(hex).joined(separator: ",") + "]" }
        let fields: String
        switch message {
        case .hello(let id, let role, let a): fields = "\"id\":\(q(id)),\"role\":\(q(role.rawValue)),\"address\":\(q(a))"
        case .partnerHello(let id): fields = "\"id\":\(q(id))"
        case .setup(let s):
            fields = "\"encrypted\":\(s.encrypted),\"masking\":\(s.masking),\"publicKey\":\(hex(s.publicKey)),\"roster\":["
                + s.roster.map { "{\"id\":\(q($0.id)),\"role\":\(q($0.role.rawValue))}" }.joined(separator: ",") + "]"
        case .share(let s): fields = "\"iteration\":\(s.iteration),\"lambda\":\(s.lambda),\"power\":\(s.power),\"converged\":\(s.converged)"
        case .encryptedShare(let s):
            fields = "\"iteration\":\(s.iteration),\"lambda\":\(hex(s.lambda)),\"power\":\(hex(s.power)),\"converged\":\(s.converged)"
                + (s.contribution.isEmpty ? "" : ",\"contribution\":\(hex(s.contribution))")
        case .request(let k, let c, let l, let tests, let w):
            fields = "\"iteration\":\(k),\"converged\":\(c),\"wantsTest\":\(w),\"lambdas\":\(list(l)),\"tests\":\(list(tests))"
        case .reply(let k, let stop, let v, let verdict):
            fields = "\"iteration\":\(k),\"stop\":\(stop),\"values\":[" + v.map { "\"\($0)\"" }.joined(separator: ",")
                + "],\"verdict\":" + (verdict.map { "\($0)" } ?? "null")
        case .resultProof(let m): fields = "\"from\":\(q(m.from)),\"payload\":\(hex(m.payload))"
        case .verification(let id, let ok, let bad):
            fields = "\"id\":\(q(id)),\"verified\":[" + ok.map(q).joined(separator: ",") + "],\"failed\":[" + bad.map(q).joined(separator: ",") + "]"
        case .abort(let why): fields = "\"reason\":\(q(why))"
        case .challenge(let run, let nonce): fields = "\"runID\":\(hex(run)),\"nonce\":\(hex(nonce))"
        case .signature(let sig): fields = "\"signature\":\(hex(sig))"
        case .iterationProof(let k, let payload): fields = "\"iteration\":\(k),\"payload\":\(hex(payload))"
        case .accusation(let k, let owner, let c): fields = "\"iteration\":\(k),\"owner\":\(q(owner)),\"contribution\":\(hex(c))"
        }
        return "{\"receiver\":\(q(receiver)),\"sender\":\(q(sender)),\"kind\":\(q(message.kind)),\"fields\":{\(fields)}}"
    }
}
