// @ts-check
// The Gen3 landing page, rendered from GET /sections by section type.
//
// No build step: this file is served as it is (by gen3-content at /app.js), and `npm run
// typecheck` checks it against the types generated from openapi/openapi.json, so a change to
// the API's shapes that would break it fails CI. All text goes in through textContent (never
// innerHTML): the API serves text raw, and escaping it is the renderer's job.

/** @typedef {import("../src/api").components["schemas"]["SectionsDocument"]} SectionsDocument */
/** @typedef {import("../src/api").components["schemas"]["Section"]} Section */
/** @typedef {import("../src/api").components["schemas"]["Button"]} Button */

const CACHE_KEY = "gen3-content:/sections";

/**
 * The page, revalidated: the copy kept from the last visit is sent back as If-None-Match, and a
 * 304 means it is still current. The browser's own HTTP cache is bypassed so that this is
 * visible (and testable) rather than implicit.
 * @returns {Promise<{document: SectionsDocument, revalidated: boolean}>}
 */
async function loadSections() {
  /** @type {{etag: string, document: SectionsDocument} | null} */
  let kept = null;
  try {
    kept = JSON.parse(localStorage.getItem(CACHE_KEY) ?? "null");
  } catch {
    kept = null;
  }
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json" };
  if (kept) headers["If-None-Match"] = kept.etag;
  const response = await fetch("/sections", { headers, cache: "no-store" });
  if (response.status === 304 && kept) {
    return { document: kept.document, revalidated: true };
  }
  if (!response.ok) {
    throw new Error(`GET /sections answered ${response.status}`);
  }
  /** @type {SectionsDocument} */
  const document = await response.json();
  const etag = response.headers.get("ETag");
  if (etag) localStorage.setItem(CACHE_KEY, JSON.stringify({ etag, document }));
  return { document, revalidated: false };
}

/**
 * An element with text (set as text, so nothing in it is markup) and the JSON Pointer of the
 * field it shows, so that tests can find every field on the page.
 * @param {string} tag
 * @param {string} pointer
 * @param {string} text
 * @param {string} [className]
 */
function text(tag, pointer, text, className) {
  const element = document.createElement(tag);
  element.textContent = text;
  element.dataset.field = pointer;
  if (className) element.className = className;
  return element;
}

/**
 * @param {string} tag
 * @param {string} className
 * @param {(Node | null)[]} children
 */
function box(tag, className, children) {
  const element = document.createElement(tag);
  element.className = className;
  for (const child of children) if (child) element.append(child);
  return element;
}

/**
 * A link. The API accepts only http(s) URLs, site paths, #fragments and mailto: links, so the
 * value is safe as an href.
 * @param {string} pointer
 * @param {string} href
 * @param {string | undefined} target
 * @param {(Node | null)[]} children
 * @param {string} [className]
 */
function link(pointer, href, target, children, className) {
  const a = document.createElement("a");
  a.href = href;
  a.dataset.field = pointer;
  if (target) a.target = target;
  if (target === "_blank") a.rel = "noopener noreferrer";
  if (className) a.className = className;
  for (const child of children) if (child) a.append(child);
  return a;
}

/**
 * @param {string} pointer
 * @param {Button} button
 * @param {string} className
 */
function button(pointer, button, className) {
  return link(pointer, button.link, button.target, [text("span", `${pointer}/caption`, button.caption)], className);
}

/**
 * An image; if it cannot be loaded (the Gen3 site's figures are not part of this example), it
 * leaves no broken-image icon behind.
 * @param {string} pointer
 * @param {string} src
 * @param {string} alt
 */
function figure(pointer, src, alt) {
  const img = document.createElement("img");
  img.src = src;
  img.alt = alt;
  img.dataset.field = pointer;
  img.addEventListener("error", () => img.classList.add("missing"));
  return img;
}

/**
 * The elements of one section, by its type. The switch covers all nine types: with a tenth,
 * TypeScript reports the `never` below.
 * @param {Section} section
 * @returns {HTMLElement[]}
 */
function render(section) {
  switch (section.type) {
    case "teaser":
      return [
        box("div", "teaser", [
          box("div", "teaser-text", [
            text("h1", "/title", section.title),
            text("p", "/detail", section.detail, "lead"),
            box("div", "buttons", [
              button("/button1", section.button1, "button primary"),
              button("/button2", section.button2, "button"),
            ]),
          ]),
          figure("/fig", section.fig, ""),
        ]),
      ];
    case "features":
      return [
        box(
          "div",
          "cards three",
          section.items.map((item, i) =>
            box("article", "card", [
              text("h3", `/items/${i}/title`, item.title),
              text("p", `/items/${i}/detail`, item.detail),
            ]),
          ),
        ),
      ];
    case "roles":
      return [
        text("h2", "/title", section.title),
        box(
          "div",
          "cards three",
          section.items.map((item, i) =>
            box("article", "card", [
              figure(`/items/${i}/fig`, item.fig, ""),
              text("h3", `/items/${i}/name`, item.name),
              text("p", `/items/${i}/detail`, item.detail),
              button(`/items/${i}/button`, item.button, "button small"),
            ]),
          ),
        ),
      ];
    case "vision":
      return [text("blockquote", "/quote", section.quote, "vision")];
    case "users":
      return [
        box("div", "users", [
          box("div", "users-text", [
            text("h2", "/title", section.title),
            text("p", "/detail", section.detail),
            button("/button", section.button, "button"),
          ]),
          figure("/fig", section.fig, ""),
        ]),
        // The testimonial stands below the logos, as on the Gen3 site: see placeTestimonial.
        box("figure", "testimonial", [
          text("blockquote", "/quote", section.quote),
          text("figcaption", "/by", section.by),
        ]),
      ];
    case "company":
      return [text("h2", "/title", section.title, "company")];
    case "commons":
      return [
        box(
          "div",
          "logos",
          section.items.map((item, i) =>
            link(`/items/${i}/link`, item.link, "_blank", [
              figure(`/items/${i}/fig`, item.fig, item.title),
              text("span", `/items/${i}/title`, item.title),
            ], "logo"),
          ),
        ),
      ];
    case "contributor":
      return [
        link("/link", section.link, section.target, [
          figure("/fig", section.fig, section.title),
          text("span", "/title", section.title),
        ], "contributor"),
      ];
    case "entrance":
      return [
        box(
          "div",
          "cards two",
          section.items.map((item, i) =>
            box("article", "card entrance", [
              text("h3", `/items/${i}/title`, item.title),
              text("p", `/items/${i}/detail`, item.detail),
              button(`/items/${i}/button`, item.button, "button primary"),
            ]),
          ),
        ),
      ];
    default:
      // A type of the content model this page has no renderer of its own for: its text.
      return [
        box(
          "div",
          "generic",
          Object.entries(section)
            .filter(([key, value]) => typeof value === "string" && !["id", "type", "updated_at"].includes(key))
            .map(([key, value]) => text("p", `/${key}`, String(value))),
        ),
      ];
  }
}

/** @param {SectionsDocument} page */
function show(page) {
  const main = /** @type {HTMLElement} */ (document.getElementById("page"));
  main.replaceChildren();
  document.title = `${page.page.title} · rendered from gen3-content`;
  /** @type {HTMLElement | null} */
  let testimonial = null;
  for (const section of page.sections) {
    const element = box("section", `section ${section.type}`, render(section));
    element.dataset.section = section.id;
    element.dataset.revision = String(section.revision);
    main.append(element);
    if (section.type === "users") {
      testimonial = /** @type {HTMLElement} */ (element.lastElementChild);
    }
    if (section.type === "commons" && testimonial) placeTestimonial(main, testimonial);
  }
  main.setAttribute("aria-busy", "false");
}

/**
 * Moves the `users` testimonial below the logo strip, in a block of its own that still names
 * its section.
 * @param {HTMLElement} main
 * @param {HTMLElement} testimonial
 */
function placeTestimonial(main, testimonial) {
  const block = box("section", "section testimonial-block", [testimonial]);
  block.dataset.section = "users";
  main.append(block);
}

loadSections()
  .then(({ document: page, revalidated }) => {
    show(page);
    document.body.dataset.revalidated = String(revalidated);
  })
  .catch((error) => {
    const status = document.getElementById("status");
    if (status) status.textContent = `The page could not be loaded: ${error.message}`;
  });
