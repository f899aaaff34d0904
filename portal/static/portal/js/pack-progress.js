// Evidence pack page: while the pack is being made, ask for its progress every two seconds and show it; reload
// the page once it is ready (or has failed, or stopped) so the download links (or the button to make it again)
// appear. Without JavaScript the page says to check again.
const region = document.getElementById("pack-progress");
if (region) {
  const url = region.dataset.statusUrl;
  const status = region.querySelector(".nhsuk-tag");
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        if (data.status === "done" || data.status === "failed" || data.status === "stalled") {
          window.location.reload();
          return;
        }
        status.nextSibling.textContent = ` ${data.percent}% done.`;
      }
    } catch (error) {
      // A dropped connection: try again on the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
