import { utils } from "ssh2";

export interface KeyPair {
  private: string;
  public: string;
}

/**
 * A fresh ed25519 key pair in OpenSSH format. ssh2 1.17's generator now and then writes a 31-byte
 * public key (a leading zero byte dropped: about 1 key in 200) that its own parser then rejects as
 * "Malformed OpenSSH private key"; such a pair is thrown away and another one made.
 */
export function generateEd25519(comment?: string): KeyPair {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync("ed25519", comment ? { comment } : undefined);
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error))
      return pair;
  }
  throw new Error("could not generate a well-formed ed25519 key pair");
}
