// A record's tabs are one row that scrolls sideways on a phone: start with the current tab in view, centred,
// and bring each tab the keyboard reaches wholly into view (browsers leave a half-shown one where it is).
// Without JavaScript the row still scrolls and every tab is still reached.
document.querySelectorAll(".tabs ul").forEach((list) => {
  const current = list.querySelector('[aria-current="page"]');
  if (current && list.scrollWidth > list.clientWidth) {
    const offset = current.getBoundingClientRect().left - list.getBoundingClientRect().left;
    list.scrollLeft += offset - (list.clientWidth - current.offsetWidth) / 2;
  }
  list.addEventListener("focusin", (event) => {
    if (list.scrollWidth > list.clientWidth) event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
});
