import { expect } from "chai";
import { fileKey, tickJobId } from "../../src/service/boss-scheduler";
import { checkBind, isLoopback } from "../../src/service/http-server";
import { Histogram, renderFamilies } from "../../src/service/prometheus";
import { parseExposition } from "./prometheus-parser";

describe("service building blocks", () => {
  it("renders metrics that a strict exposition parser reads back, label escapes and histogram buckets included", () => {
    const h = new Histogram("billpay_test_seconds", "A test\nhistogram.", [0.1, 1]);
    h.observe({ aggregator: 'we"ird\\name' }, 0.05);
    h.observe({ aggregator: 'we"ird\\name' }, 5);
    const text = renderFamilies([
      { name: "billpay_files", help: "Files.", type: "gauge", samples: [{ labels: { status: "posted" }, value: 3 }] },
      h.family(),
    ]);
    const families = parseExposition(text);
    expect(families.get("billpay_files")?.samples[0]).to.deep.equal({
      name: "billpay_files",
      labels: { status: "posted" },
      value: 3,
    });
    const buckets = families
      .get("billpay_test_seconds")
      ?.samples.filter((s) => s.name.endsWith("_bucket"))
      .map((s) => [s.labels.le, s.value]);
    expect(buckets).to.deep.equal([
      ["0.1", 1],
      ["1", 1],
      ["+Inf", 2],
    ]);
    expect(families.get("billpay_test_seconds")?.samples[0].labels.aggregator).to.equal('we"ird\\name');
  });

  it("names one tick of one source with the same job id on every instance, and another tick with another", () => {
    const at = new Date("2026-11-27T11:30:00Z");
    expect(tickJobId("rpps", at)).to.equal(tickJobId("rpps", new Date(at.getTime())));
    expect(tickJobId("rpps", at)).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tickJobId("rpps", new Date(at.getTime() + 1000))).to.not.equal(tickJobId("rpps", at));
    expect(tickJobId("other", at)).to.not.equal(tickJobId("rpps", at));
    expect(fileKey("rpps", "/in/a.ach")).to.equal("rpps:/in/a.ach");
  });

  it("binds loopback without a token or TLS and refuses any other address without both", () => {
    const tls = { tls: { cert: "c", key: "k" } };
    expect(isLoopback("127.0.0.1")).to.equal(true);
    expect(isLoopback("::1")).to.equal(true);
    expect(isLoopback("0.0.0.0")).to.equal(false);
    expect(() => checkBind("127.0.0.1", undefined)).to.not.throw();
    expect(() => checkBind("0.0.0.0", undefined, tls)).to.throw(/bearer token/);
    expect(() => checkBind("0.0.0.0", "t")).to.throw(/without TLS.*--tls-cert FILE --tls-key FILE.*--behind-proxy/);
    expect(() => checkBind("0.0.0.0", "t", tls)).to.not.throw();
    expect(() => checkBind("0.0.0.0", "t", { behindProxy: "10.0.0.5" })).to.not.throw();
    expect(() => checkBind("0.0.0.0", "t", { behindProxy: "10.0.0.0/8" })).to.not.throw();
    expect(() => checkBind("127.0.0.1", undefined, { behindProxy: "proxy.example" })).to.throw(/IP address or CIDR/);
  });
});
