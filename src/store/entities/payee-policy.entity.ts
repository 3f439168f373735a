import { Column, Entity, PrimaryColumn } from "typeorm";
import type { PayeePolicy } from "../../rules/payee-policy";

/** A payee policy a file was posted under, by the sha256 of its canonical JSON. */
@Entity({ name: "payee_policies" })
export class PayeePolicyEntity {
  @PrimaryColumn({ type: "text" })
  hash!: string;

  @Column({ type: "jsonb" })
  policy!: PayeePolicy;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
