import { expect } from "chai";
import { isTempName, joinRemote, selectFiles, unsafeNameReason, type ListedFile } from "../../src/sources/selection";

const now = new Date("2024-03-20T15:00:00Z");
const old = new Date("2024-03-20T14:00:00Z");
const file = (name: string, size = 100, mtime = old): ListedFile => ({ name, size, mtime, isFile: true });
const rules = { pattern: "*.ach", minAgeSeconds: 60, maxFileBytes: 1000 };

describe("stable-file selection", () => {
  it("takes a matching file whose size and mtime held still between two listings", () => {
    const s = selectFiles([file("a.ach")], [file("a.ach")], rules, now);
    expect(s.eligible.map((f) => f.name)).to.deep.equal(["a.ach"]);
    expect(s.skipped).to.deep.equal([]);
  });

  it("skips a file whose size or mtime changed between the listings, or that was not in the first", () => {
    const s = selectFiles(
      [file("a.ach", 100), file("b.ach", 100, old)],
      [file("a.ach", 200), file("b.ach", 100, new Date(old.getTime() + 1000)), file("c.ach")],
      rules,
      now,
    );
    expect(s.eligible).to.deep.equal([]);
    expect(s.skipped.map((k) => k.reason)).to.deep.equal(["still_changing", "still_changing", "still_changing"]);
  });

  it("skips a file younger than minAgeSeconds", () => {
    const young = new Date(now.getTime() - 30_000);
    const s = selectFiles([file("a.ach", 1, young)], [file("a.ach", 1, young)], rules, now);
    expect(s.skipped).to.deep.equal([{ name: "a.ach", reason: "too_young" }]);
  });

  it("holds back a file dated in the future only under an age rule (clocks that disagree, drill d)", () => {
    const ahead = new Date(now.getTime() + 3600_000);
    const listing = [file("a.ach", 1, ahead)];
    expect(selectFiles(listing, listing, rules, now).skipped).to.deep.equal([{ name: "a.ach", reason: "too_young" }]);
    const noAge = selectFiles(listing, listing, { ...rules, minAgeSeconds: 0 }, now);
    expect(noAge.eligible.map((f) => f.name)).to.deep.equal(["a.ach"]);
  });

  it("skips temporary and hidden names even when the pattern matches them", () => {
    const names = ["a.ach.part", "b.ach.tmp", "c.ach.filepart", ".d.ach"];
    const s = selectFiles(
      names.map((n) => file(n)),
      names.map((n) => file(n)),
      { ...rules, pattern: "*" },
      now,
    );
    expect(s.eligible).to.deep.equal([]);
    expect(s.skipped.filter((k) => k.reason === "temp_name").map((k) => k.name)).to.deep.equal([
      "a.ach.part",
      "b.ach.tmp",
      "c.ach.filepart",
    ]);
  });

  it("requires the done-file when doneSuffix is set, and never takes the done-file itself", () => {
    const listing = [file("a.ach"), file("a.ach.done"), file("b.ach")];
    const s = selectFiles(listing, listing, { ...rules, pattern: "*", doneSuffix: ".done" }, now);
    expect(s.eligible.map((f) => f.name)).to.deep.equal(["a.ach"]);
    expect(s.skipped).to.deep.equal([{ name: "b.ach", reason: "no_done_file" }]);
  });

  it("ignores folders and names the pattern does not match", () => {
    const listing = [{ ...file("archive"), isFile: false }, file("notes.txt"), file("a.ach")];
    expect(selectFiles(listing, listing, rules, now).eligible.map((f) => f.name)).to.deep.equal(["a.ach"]);
  });

  it("marks a file over maxFileBytes as oversize and lists the oldest first", () => {
    const newer = new Date(old.getTime() + 60_000);
    const listing = [file("b.ach", 5000, newer), file("a.ach", 10, old)];
    const s = selectFiles(listing, listing, rules, now);
    expect(s.eligible.map((f) => [f.name, f.oversize])).to.deep.equal([
      ["a.ach", false],
      ["b.ach", true],
    ]);
  });

  it("refuses names that could leave the folder", () => {
    const hostile = ["../x.ach", "/etc/x.ach", "a/b.ach", "..\\x.ach", "C:x.ach", "a\u0000.ach"];
    const s = selectFiles(
      hostile.map((n) => file(n)),
      hostile.map((n) => file(n)),
      rules,
      now,
    );
    expect(s.eligible).to.deep.equal([]);
    expect(s.skipped.map((k) => k.reason)).to.deep.equal(hostile.map(() => "unsafe_name"));
    for (const name of hostile) expect(() => joinRemote("/in", name)).to.throw(/refusing remote name/);
  });

  it("accepts ordinary names, dots inside them included", () => {
    expect(unsafeNameReason("RPPS..20240320.ach")).to.equal(null);
    expect(joinRemote("/outbound", "a.ach")).to.equal("/outbound/a.ach");
    expect(isTempName("a.ach")).to.equal(false);
  });
});
