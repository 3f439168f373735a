import { expect } from "chai";
import { compareNames, nameKey } from "../../../src/match/repair/names";

describe("repair: payer names against member names", () => {
  it("the key ignores case, punctuation, initials and the order of given and family names", () => {
    expect(nameKey("SMITH, JOHN Q.")).to.equal("john smith");
    expect(nameKey("John Q. Smith")).to.equal("john smith");
    expect(nameKey("O'Neil-Garcia Maria")).to.equal("garcia maria neil");
    expect(nameKey("J. Q.")).to.equal(null);
    expect(nameKey(null)).to.equal(null);
  });

  it("same name in another order; initials standing for given names; a different family name is no match", () => {
    expect(compareNames("SMITH JOHN", "John Smith")).to.equal("same_name");
    expect(compareNames("J SMITH", "John Q. Smith")).to.equal("initials");
    expect(compareNames("J Q SMITH", "John Quincy Smith")).to.equal("initials");
    expect(compareNames("J SMYTH", "John Smith")).to.equal(null);
    expect(compareNames("J Q", "John Quincy")).to.equal(null);
    expect(compareNames("MARY SMITH", "John Smith")).to.equal(null);
    expect(compareNames(null, "John Smith")).to.equal(null);
  });
});
