// Progressive enhancement for scenarios: submit the choice in the background and show the feedback in place,
// moving focus to it. Without JavaScript the same form posts and the page reloads at the scenario.
for (const form of document.querySelectorAll("form[data-scenario-form]")) {
  form.addEventListener("submit", async (event) => {
    const feedback = form.parentElement.querySelector(".portal-feedback");
    if (!feedback || !form.querySelector("input[name=option]:checked")) {
      return; // let the server answer with its error message
    }
    event.preventDefault();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) {
        form.submit();
        return;
      }
      const data = await response.json();
      feedback.innerHTML = data.feedback_html;
      feedback.focus();
      const button = form.querySelector("button[type=submit]");
      if (button) button.textContent = "Try this option";
    } catch {
      form.submit();
    }
  });
}
