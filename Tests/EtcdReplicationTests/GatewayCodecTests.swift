import Testing
import GridClearCore
@testable import EtcdClient
@testable import EtcdReplication

/// The JSON gateway encoding and the block-record format, without etcd.
@Suite struct GatewayCodecTests {
    @Test func base64RoundTripsEveryLengthAndRejectsGarbage() {
        var g: UInt64 = 0x9E37_79B9_7F4A_7C15
        for n in 0..<70 {
            let bytes = (0..<n).map { _ -> UInt8 in g = g &* 6364136223846793005 &+ 1442695040888963407; return UInt8(g >> 56) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foo".utf8)) == "Zm9v")
        #expect(Base64.encode(Array("block/1".utf8)) == "YmxvY2svMQ==")
        #expect(Base64.decode("Zm9") == nil)
        #expect(Base64.decode("Zm9*") == nil)
        #expect(Base64.decode("Zg==Zm9v") == nil)
    }

    @Test func jsonParsesWhatTheGatewaySends() throws {
        let text = #"{"header":{"cluster_id":"3249","revision":"3","raft_term":"2"},"succeeded":true,"responses":[{"response_range":{"header":{"revision":"3"},"kvs":[{"key":"YmxvY2svMQ==","create_revision":"3","mod_revision":"3","version":"1","value":"eA=="}],"count":"1"}}],"x":[1.5e3,-2,null,false,"a\"\u00e9\ud83d\ude00"]}"#
        let v = try JSONReader.parse(Array(text.utf8))
        let t = try EtcdResponseDecoder.txn(v)
        #expect(t.succeeded)
        #expect(t.header.revision == 3)
        #expect(t.kvs(0) == [KeyValue(key: Array("block/1".utf8), value: [0x78], createRevision: 3, modRevision: 3, version: 1)])
        #expect(v["x"]?.array?.last?.string == "a\"é😀")
        // What the request writer renders, the reader reads back.
        let w = JSONValue.object([("s", .string("a\"é\n\u{1}")), ("b", .base64([0, 255, 7])), ("n", .array([.number("-2"), .null, .bool(true)]))])
        let back = try JSONReader.parse(w.renderedBytes())
        #expect(back["s"]?.string == "a\"é\n\u{1}")
        #expect(back["b"]?.string.flatMap(Base64.decode) == [0, 255, 7])
        #expect(back["n"]?.array == [.number("-2"), .null, .bool(true)])
        #expect(throws: EtcdError.self) { try EtcdResponseDecoder.document(Array("{\"a\":}".utf8)) }
    }

    @Test func defaultsOmittedByProto3MeanFalseAndZero() throws {
        let failed = try EtcdResponseDecoder.txn(try JSONReader.parse(Array(#"{"header":{"revision":"9"},"responses":[{"response_range":{"header":{}}}]}"#.utf8)))
        #expect(!failed.succeeded)
        #expect(failed.kvs(0).isEmpty)
        let ka = try EtcdResponseDecoder.leaseKeepAlive(try JSONReader.parse(Array(#"{"result":{"header":{"revision":"5"},"ID":"123"}}"#.utf8)))
        #expect(ka.ttlSeconds == 0)
        #expect(ka.id == 123)
    }

    @Test func gatewayErrorsBecomeTypedErrors() {
        #expect(throws: EtcdError.server(code: 11, message: "etcdserver: mvcc: required revision has been compacted")) {
            try EtcdResponseDecoder.document(Array(#"{"error":"etcdserver: mvcc: required revision has been compacted","message":"etcdserver: mvcc: required revision has been compacted","code":11}"#.utf8))
        }
        let e = EtcdError.server(code: 8, message: "etcdserver: mvcc: database space exceeded")
        #expect(e.description.contains("alarm disarm"))
    }

    @Test func txnRequestEncodesCompareTargetsByName() {
        let t = TxnRequest(compare: [.absent(Array("k".utf8)), Compare(key: Array("e".utf8), .equal, .value(Array("1".utf8)))],
                           success: [.put(key: Array("k".utf8), value: [1], lease: 42)],
                           failure: [.range(RangeRequest.prefix(Array("p/".utf8), limit: 3))])
        let r = EtcdRequest.txn(t)
        #expect(r.path == "/v3/kv/txn")
        #expect(r.body.rendered() == #"{"compare":[{"key":"aw==","result":"EQUAL","target":"CREATE","create_revision":"0"},{"key":"ZQ==","result":"EQUAL","target":"VALUE","value":"MQ=="}],"success":[{"request_put":{"key":"aw==","value":"AQ==","lease":"42"}}],"failure":[{"request_range":{"key":"cC8=","range_end":"cDA=","limit":"3"}}]}"#)
        #expect(EtcdKey.prefixEnd([0x61, 0xFF]) == [0x62])
        #expect(EtcdKey.prefixEnd([0xFF]) == [0])
    }

    @Test func endpointsParse() throws {
        let eps = try EtcdEndpoint.list("http://127.0.0.1:2379,localhost:22379/")
        #expect(eps == [EtcdEndpoint(host: "127.0.0.1", port: 2379), EtcdEndpoint(host: "localhost", port: 22379)])
        #expect(throws: EtcdError.self) { try EtcdEndpoint.list("https://x:1") }
        #expect(throws: EtcdError.self) { try EtcdEndpoint.list("x") }
    }

    @Test func blockRecordsInlineSmallPayloadsAndChunkLargeOnes() throws {
        let small = Array(repeating: UInt8(7), count: 100)
        let (r1, c1) = BlockRecord.make(payload: small, electionRevision: 9)
        #expect(c1.isEmpty)
        #expect(try BlockRecord.decode(r1.encoded()) == r1)
        #expect(try r1.assemble(chunks: []) == small)
        let big = (0..<2_500).map { UInt8($0 % 251) }
        let (r2, c2) = BlockRecord.make(payload: big, electionRevision: 9, chunkBytes: 1_000)
        #expect(c2.map(\.count) == [1_000, 1_000, 500])
        let back = try BlockRecord.decode(r2.encoded())
        #expect(try back.assemble(chunks: c2) == big)
        #expect(throws: ReplicationError.self) { try back.assemble(chunks: Array(c2.prefix(2))) }
        #expect(throws: ReplicationError.self) { try back.assemble(chunks: [c2[0], c2[2], c2[1]]) }
    }

    @Test func layoutKeysSortByHeight() {
        let L = EtcdLayout(prefix: "gc")
        #expect(String(decoding: L.block(42), as: UTF8.self) == "gc/block/00000000000000000042")
        #expect(L.block(9).lexicographicallyPrecedes(L.block(10)))
        #expect(L.chunk(9, electionRevision: 5, index: 1).lexicographicallyPrecedes(L.chunkFloor(10)))
        #expect(L.suffix(of: L.node("n3"), after: L.nodesPrefix) == "n3")
    }
}
