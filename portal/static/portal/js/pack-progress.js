// Evidence pack page: while the pack is being made, ask for its progress every two seconds and show it (its stage
// and how far it has got, in the words the page was written in); reload the page once it is ready (or has failed,
// or stopped) so the download links (or the button to make it again) appear. Without JavaScript the page says to
// check again.
//
// What is shown changes every two seconds; what a screen reader is told (the visually hidden status) only when the
// stage changes or the pack passes a quarter of the way, so nobody hears a number every two seconds.
const region = document.getElementById("pack-progress");
const tag = region?.querySelector(".nhsuk-tag");
const progress = region?.querySelector("[data-progress]");
const said = region?.querySelector("[data-said]");
if (tag && progress && said) {
  const url = region.dataset.statusUrl;
  let quarter = Math.floor(Number(region.dataset.percent) / 25);
  const words = ({ percent, people_done: done, people_total: total }) =>
    `${percent}% done${total ? ` (${done} of ${total} people)` : ""}.`;
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        if (data.status === "done" || data.status === "failed" || data.status === "stalled") {
          window.location.reload();
          return;
        }
        const text = words(data);
        const newStage = data.label !== tag.textContent;
        const newQuarter = Math.floor(data.percent / 25) > quarter;
        if (newStage) tag.textContent = data.label;
        if (text !== progress.textContent) progress.textContent = text;
        if (newStage || newQuarter) said.textContent = `${data.label}: ${text}`;
        quarter = Math.floor(data.percent / 25);
      }
    } catch (error) {
      // A dropped connection: try again on the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
