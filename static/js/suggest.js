// Filter boxes marked data-suggest (condition, sponsor) fill their <datalist> with names as one types, from the
// portal's small JSON endpoint (/conditions/suggest?q=…). Without JavaScript the box still takes any text: the
// search then reads it as part of a name and offers the closest names ("Did you mean").
document.querySelectorAll("input[data-suggest][list]").forEach((input) => {
  const list = document.getElementById(input.getAttribute("list"));
  if (!list) return;
  const answers = new Map(); // text -> the endpoint's answer, for this page's life
  let timer = null;
  let pending = null;

  // A MeSH group found through one of its names is labelled with it, so the browser (which shows the options
  // holding the typed text) shows it too.
  const groupLabel = list.dataset.groupLabel || "";
  const show = ({ names = [], groups = {} }) => {
    const options = names.map((name) => {
      const option = Object.assign(document.createElement("option"), { value: name });
      if (groups[name]) option.label = `${name} (${groupLabel} ${groups[name]})`;
      return option;
    });
    list.replaceChildren(...options);
  };

  const ask = async (text) => {
    if (answers.has(text)) return show(answers.get(text));
    if (pending) pending.abort();
    pending = new AbortController();
    try {
      const url = `${input.dataset.suggest}?q=${encodeURIComponent(text)}`;
      const response = await fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const answer = await response.json();
      answers.set(text, answer);
      if (input.value.trim() === text) show(answer);
    } catch (error) {
      // aborted by a newer keystroke, or offline: the box works as a plain text box
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) return show({});
    timer = setTimeout(() => ask(text), 200);
  });
});
