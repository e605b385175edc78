import Foundation
import TestSupport
import XCTest

/// `charvec audit` and `charvec info` mention text rows whose fields are separated by tabs.
final class TabSeparatedCLITests: XCTestCase {
    func testAuditAndInfoNoteTabSeparatedFields() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try Fixtures.write("3 2\na 1 2\nb\t3\t4\nc 5 6\n", named: "tabs.vec", in: directory)
        let note = "fields separated by tabs (accepted): 1 row, first at \(path):3"
        let audit = try CLIRunner.run(["audit", path])
        XCTAssertEqual(audit.status, 0, audit.stderr)
        XCTAssertTrue(audit.stdout.contains("note: \(note)\n"), audit.stdout)
        let info = try CLIRunner.run(["info", path])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("note:        \(note)\n"), info.stdout)
        let json = try CLIRunner.run(["audit", path, "--json"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["notes"] as? [String], [note])
    }
}
