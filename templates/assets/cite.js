// The study page's "Copy" buttons: each copies its formatted citation, as rich text (italics
// kept when pasted into a word processor) and as plain text. Without JavaScript the buttons
// stay hidden and the citations can be selected by hand.
"use strict";
(() => {
  const status = document.querySelector(".cite .copied");
  const say = (text) => { if (status) { status.textContent = text; } };
  const selectText = (element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };
  const copy = async (element) => {
    const plain = element.textContent.trim();
    if (navigator.clipboard && window.ClipboardItem) {
      const item = new ClipboardItem({
        "text/plain": new Blob([plain], { type: "text/plain" }),
        "text/html": new Blob([element.innerHTML], { type: "text/html" }),
      });
      await navigator.clipboard.write([item]);
      return;
    }
    if (navigator.clipboard) { await navigator.clipboard.writeText(plain); return; }
    selectText(element);
    if (!document.execCommand("copy")) { throw new Error("copy refused"); }
  };
  for (const button of document.querySelectorAll(".cite button.copy")) {
    const reference = document.getElementById(button.dataset.copy);
    if (!reference) { continue; }
    button.hidden = false;
    button.addEventListener("click", async () => {
      const style = button.closest("figure")?.querySelector("figcaption")?.textContent || "";
      try {
        await copy(reference);
        say(`${style} citation copied.`);
        button.textContent = "Copied";
        setTimeout(() => { button.textContent = "Copy"; }, 2000);
      } catch {
        selectText(reference);
        say("Your browser did not allow copying: the citation is selected, press Ctrl+C (⌘C on a Mac).");
      }
    });
  }
})();
