import { expect } from "chai";
import fc from "fast-check";
import { FormatError } from "../../../src/adapter-kit/format-error";
import { DEFAULT_XML_LIMITS, type XmlLimits } from "../limits";
import { XmlSplitter, type XmlEvent } from "../xml-splitter";

const DOC = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <Msg>
    <GrpHdr><MsgId>A&amp;B</MsgId></GrpHdr>
    <Ntfctn>
      <!-- a comment with <Ntry> inside -->
      <Ntry attr="a > b">
        <Amt Ccy="USD">1.00</Amt>
      </Ntry>
      <Ntry><Amt Ccy="USD"><![CDATA[2.00]]></Amt></Ntry>
      <Empty/>
    </Ntfctn>
  </Msg>
</Document>
`;

function split(text: string, chunk = text.length || 1, limits: Partial<XmlLimits> = {}): XmlEvent[] {
  const splitter = new XmlSplitter({
    limits: { ...DEFAULT_XML_LIMITS, ...limits },
    capture: (p) => (p.length === 3 && p[2] === "GrpHdr") || (p.length === 4 && p[2] === "Ntfctn"),
  });
  const events: XmlEvent[] = [];
  for (let i = 0; i < text.length; i += chunk) events.push(...splitter.push(text.slice(i, i + chunk)));
  events.push(...splitter.end());
  return events;
}

function failure(run: () => unknown): FormatError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(FormatError);
    return error as FormatError;
  }
  expect.fail("expected a FormatError");
}

describe("camt XML splitter", () => {
  it("hands over each captured element whole, with the line of its start tag", () => {
    const elements = split(DOC).filter((e) => e.type === "element");
    expect(elements.map((e) => [e.path.join("/"), e.line])).to.deep.equal([
      ["Document/Msg/GrpHdr", 4],
      ["Document/Msg/Ntfctn/Ntry", 7],
      ["Document/Msg/Ntfctn/Ntry", 10],
      ["Document/Msg/Ntfctn/Empty", 11],
    ]);
    expect(elements[1].type === "element" && elements[1].text).to.equal(
      '<Ntry attr="a > b">\n        <Amt Ccy="USD">1.00</Amt>\n      </Ntry>',
    );
  });

  it("gives the same events however the input is cut into chunks", () => {
    const whole = split(DOC);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), (chunk) => {
        expect(split(DOC, chunk)).to.deep.equal(whole);
      }),
      { numRuns: 64 },
    );
  });

  it("rejects a DOCTYPE before any element is handed over, even when split across chunks", () => {
    const text = `<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY x "y">]>\n<Document><Msg/></Document>`;
    for (const chunk of [1, 5, 1000]) {
      const splitter = new XmlSplitter({ limits: DEFAULT_XML_LIMITS, capture: () => true });
      const seen: XmlEvent[] = [];
      const error = failure(() => {
        for (let i = 0; i < text.length; i += chunk) seen.push(...splitter.push(text.slice(i, i + chunk)));
        splitter.end();
      });
      expect(error.code).to.equal("xml_doctype_forbidden");
      expect(error.line).to.equal(2);
      expect(seen).to.deep.equal([]);
    }
  });

  it("rejects an ENTITY declaration anywhere", () => {
    const error = failure(() => split(`<Document>\n<!ENTITY x "y">\n</Document>`));
    expect(error.code).to.equal("xml_doctype_forbidden");
    expect(error.line).to.equal(2);
  });

  it("reports a truncated document at its last line, naming the open element", () => {
    const cut = DOC.slice(0, DOC.indexOf("1.00"));
    const error = failure(() => split(cut));
    expect(error.code).to.equal("xml_truncated");
    expect(error.line).to.equal(8);
    expect(error.field).to.equal("Document/Msg/Ntfctn/Ntry/Amt");
  });

  it("reports a mismatched end tag at its line", () => {
    const error = failure(() => split("<Document>\n<Msg>\n</Ntfctn>\n</Document>"));
    expect(error.code).to.equal("xml_malformed");
    expect(error.line).to.equal(3);
  });

  it("bounds nesting depth, file size and element size", () => {
    expect(failure(() => split("<a>".repeat(12) + "</a>".repeat(12), 100, { maxDepth: 10 })).code).to.equal(
      "xml_too_deep",
    );
    expect(failure(() => split(DOC, 100, { maxBytes: 200 })).code).to.equal("file_too_large");
    const big = DOC.replace("1.00", "x".repeat(5000));
    const error = failure(() => split(big, 100, { maxElementBytes: 1000 }));
    expect(error.code).to.equal("xml_element_too_large");
    expect(error.line).to.equal(7);
  });

  it("refuses text before the root, an empty file and a second root", () => {
    expect(failure(() => split("garbage")).code).to.equal("not_xml");
    expect(failure(() => split("")).code).to.equal("not_xml");
    expect(failure(() => split("<a/>\n<b/>")).code).to.equal("xml_malformed");
  });

  it("refuses a declared encoding other than UTF-8", () => {
    expect(failure(() => split(`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`)).code).to.equal(
      "unsupported_encoding",
    );
  });

  it("never throws anything but a FormatError, whatever the bytes", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("<", ">", "/", "a", "!", "?", '"', "-", "[", " ", "\n", "&", "N", "t") }),
        (text) => {
          try {
            split(text, 7);
          } catch (error) {
            expect(error).to.be.instanceOf(FormatError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
