// Progressive enhancement for scenarios: submit the choice in the background and show the feedback in place,
// moving focus to it, then bring the module's count and the quiz's reminder up to date (the count sits in a polite
// live region, so it is read out after the feedback). Without JavaScript the same form posts and the page reloads
// at the scenario, saying the same things.
import { postForm } from "./post-form.js";

const replace = (id, html) => {
  const element = document.getElementById(id);
  if (element && typeof html === "string") element.innerHTML = html;
};

const markDone = (form) => {
  const label = form.closest(".portal-scenario")?.querySelector("[data-scenario-label]");
  if (!label || label.querySelector(".nhsuk-tag")) return;
  const tag = document.createElement("strong");
  tag.className = "nhsuk-tag nhsuk-tag--green";
  tag.textContent = "Done";
  label.append(" ", tag);
};

for (const form of document.querySelectorAll("form[data-scenario-form]")) {
  form.addEventListener("submit", async (event) => {
    const feedback = form.parentElement.querySelector(".portal-feedback");
    if (!feedback || !form.querySelector("input[name=option]:checked")) {
      return; // let the server answer with its error message
    }
    event.preventDefault();
    try {
      const response = await postForm(form);
      if (!response.ok) {
        form.submit();
        return;
      }
      const data = await response.json();
      // What to do next is said once, under the scenario answered last.
      for (const old of document.querySelectorAll(".portal-next-step")) old.remove();
      feedback.innerHTML = data.feedback_html;
      feedback.focus();
      const button = form.querySelector("button[type=submit]");
      if (button) button.textContent = "Try this option";
      if (data.scenario_done) markDone(form);
      replace("module-progress", data.progress_html);
      replace("quiz-scenarios-note", data.quiz_note_html);
    } catch {
      form.submit();
    }
  });
}
