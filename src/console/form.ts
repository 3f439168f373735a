import { h } from "./html";

/** A labelled select of a filter form; the empty option means "any". */
export function selectField(
  name: string,
  label: string,
  values: readonly string[],
  chosen: string | null | undefined,
  any = "any",
): string {
  const options = [`<option value="">${h(any)}</option>`]
    .concat(values.map((v) => `<option value="${h(v)}"${v === chosen ? " selected" : ""}>${h(v)}</option>`))
    .join("");
  return `<label for="f-${name}">${h(label)}<select id="f-${name}" name="${name}">${options}</select></label>`;
}

/** A labelled text input of a filter form. */
export function textField(name: string, label: string, value: string | null | undefined): string {
  return `<label for="f-${name}">${h(label)}<input id="f-${name}" name="${name}" value="${h(value)}"></label>`;
}

/** A GET form of filters for a page; submitting it starts again at the first page. */
export function filterForm(action: string, fields: string[], submit = "Filter"): string {
  return `<form class="filters" method="get" action="${action}">${fields.join("")}<button type="submit">${h(submit)}</button></form>`;
}
