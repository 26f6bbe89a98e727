// @ts-check
// The Gen3 site, rendered from gen3-content: every page from GET /pages/{id}, by section type.
// A page per URL: `/#/products/workspaces/` is the page Hugo publishes at
// `/products/workspaces/`, found in GET /pages.
//
// No build step: this file is served as it is (by gen3-content at /app.js), and `npm run
// typecheck` checks it against the types generated from openapi/openapi.json, so a change to
// the API's shapes that would break it fails CI. All text goes in through textContent (never
// innerHTML): the API serves text raw, and escaping it is the renderer's job.

/** @typedef {import("../src/api").components["schemas"]["PageDocument"]} PageDocument */
/** @typedef {import("../src/api").components["schemas"]["PageList"]} PageList */
/** @typedef {import("../src/api").components["schemas"]["Section"]} Section */
/** @typedef {import("../src/api").components["schemas"]["Button"]} Button */
/** @typedef {import("../src/api").components["schemas"]["Event"]} SiteEvent */

/**
 * A resource, revalidated: the copy kept from the last visit is sent back as If-None-Match, and
 * a 304 means it is still current. The browser's own HTTP cache is bypassed so that this is
 * visible (and testable) rather than implicit.
 * @template T
 * @param {string} path
 * @returns {Promise<{body: T, revalidated: boolean}>}
 */
async function load(path) {
  const key = `gen3-content:${path}`;
  /** @type {{etag: string, body: T} | null} */
  let kept = null;
  try {
    kept = JSON.parse(localStorage.getItem(key) ?? "null");
  } catch {
    kept = null;
  }
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json" };
  if (kept) headers["If-None-Match"] = kept.etag;
  const response = await fetch(path, { headers, cache: "no-store" });
  if (response.status === 304 && kept) {
    return { body: kept.body, revalidated: true };
  }
  if (!response.ok) {
    throw new Error(`GET ${path} answered ${response.status}`);
  }
  /** @type {T} */
  const body = await response.json();
  const etag = response.headers.get("ETag");
  if (etag) localStorage.setItem(key, JSON.stringify({ etag, body }));
  return { body, revalidated: false };
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
 * A text element for an optional field: nothing when the field is absent or null.
 * @param {string} tag
 * @param {string} pointer
 * @param {string | null | undefined} value
 * @param {string} [className]
 */
function maybe(tag, pointer, value, className) {
  return value === undefined || value === null ? null : text(tag, pointer, value, className);
}

/**
 * A link that shows its own address, for link fields without a caption of their own.
 * @param {string} pointer
 * @param {string | undefined} href
 */
function address(pointer, href) {
  return href === undefined ? null : link(pointer, href, undefined, [document.createTextNode(href)]);
}

/**
 * One event of a list: its title and date, and whatever else it has.
 * @param {string} at
 * @param {SiteEvent} event
 */
function eventCard(at, event) {
  return box("article", "card event", [
    event.Image === undefined ? null : figure(`${at}/Image`, event.Image, ""),
    text("h3", `${at}/Title`, event.Title),
    text("p", `${at}/Date`, event.Date, "date"),
    maybe("p", `${at}/Description`, event.Description),
    maybe("p", `${at}/Youtube`, event.Youtube, "video"),
    address(`${at}/Playlist`, event.Playlist),
    maybe("p", `${at}/Slides`, event.Slides, "slides"),
    maybe("p", `${at}/Link`, event.Link),
    address(`${at}/Agenda`, event.Agenda),
    address(`${at}/Agenda2`, event.Agenda2),
  ]);
}

/**
 * The elements of one section, by its type: one renderer per section type of the content
 * model. The switch covers every type the document names: with another, TypeScript reports
 * the `never` below.
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
    case "page-teaser":
      return [
        box("div", "teaser", [
          box("div", "teaser-text", [
            text("h1", "/title", section.title),
            text("p", "/detail", section.detail, "lead"),
            maybe("p", "/para1", section.para1),
            maybe("p", "/para2", section.para2),
          ]),
          section.fig === undefined ? null : figure("/fig", section.fig, ""),
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
    case "figure-features":
      return [
        box(
          "div",
          "cards three",
          section.items.map((item, i) =>
            box("article", "card", [
              figure(`/items/${i}/fig`, item.fig, ""),
              text("h3", `/items/${i}/title`, item.title),
              text("p", `/items/${i}/detail`, item.detail),
            ]),
          ),
        ),
      ];
    case "three-figure-features":
      return [
        box(
          "div",
          "cards two",
          section.items.map((item, i) =>
            box("article", "card", [
              text("h3", `/items/${i}/title`, item.title),
              text("p", `/items/${i}/detail`, item.detail),
              box("div", "figures", [
                figure(`/items/${i}/fig1`, item.fig1, ""),
                figure(`/items/${i}/fig2`, item.fig2, ""),
                figure(`/items/${i}/fig3`, item.fig3, ""),
              ]),
            ]),
          ),
        ),
      ];
    case "data-features":
      return section.items.map((item, i) =>
        box("article", "data-feature", [
          link(`/items/${i}/button/link`, item.button.link, undefined, [
            text("h2", `/items/${i}/title`, item.title),
          ]),
          text("p", `/items/${i}/subtitle`, item.subtitle),
          item.contents === undefined
            ? null
            : box(
                "div",
                "logos",
                item.contents.items.map((content, j) =>
                  box("div", "logo", [
                    figure(`/items/${i}/contents/items/${j}/fig`, content.fig, content.name),
                    text("span", `/items/${i}/contents/items/${j}/name`, content.name),
                  ]),
                ),
              ),
        ]),
      );
    case "starts":
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
    case "resources":
      return [
        text("h2", "/title", section.title),
        box(
          "div",
          "cards two",
          section.items.map((item, i) =>
            box("article", "card", [
              figure(`/items/${i}/fig`, item.fig, ""),
              text("h3", `/items/${i}/name`, item.name),
              text("p", `/items/${i}/detail`, item.detail),
              button(`/items/${i}/button`, item.button, "button small"),
              ...item.lists.map((list, j) =>
                box("div", "resource-list", [
                  text("h4", `/items/${i}/lists/${j}/title`, list.title),
                  box(
                    "ul",
                    "",
                    list.ul.map((entry, k) =>
                      box("li", "", [
                        link(`/items/${i}/lists/${j}/ul/${k}/link`, entry.link, undefined, [
                          text("span", `/items/${i}/lists/${j}/ul/${k}/name`, entry.name),
                        ]),
                      ]),
                    ),
                  ),
                ]),
              ),
            ]),
          ),
        ),
      ];
    case "events":
      return [
        box(
          "div",
          "cards two",
          (section.items ?? []).map((item, i) => eventCard(`/items/${i}`, item)),
        ),
      ];
    case "agenda":
      return [
        text("h1", "/title", section.title),
        text("p", "/dates", section.dates, "lead"),
        text("p", "/detail", section.detail),
        box(
          "ul",
          "times",
          section.items.map((item, i) => box("li", "", [text("span", `/items/${i}/value`, item.value)])),
        ),
      ];
    case "agenda-detail":
      // Markdown, shown as its text: this example renders no Markdown.
      return [box("div", "agenda-detail", [maybe("pre", "/text", section.text)])];
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
    default: {
      /** @type {never} */
      const unknown = section;
      throw new Error(`no renderer for section type ${JSON.stringify(unknown)}`);
    }
  }
}

/** @param {PageDocument} page */
function show(page) {
  const main = /** @type {HTMLElement} */ (document.getElementById("page"));
  main.replaceChildren();
  document.title = `${String(page.page.title ?? page.page.id)} · rendered from gen3-content`;
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
  main.dataset.page = page.page.id;
  main.setAttribute("aria-busy", "false");
}

/**
 * The site's pages that have sections, as links to their URLs.
 * @param {PageList} list
 * @param {string} current
 */
function navigation(list, current) {
  const nav = /** @type {HTMLElement} */ (document.getElementById("pages"));
  nav.replaceChildren(
    ...list.pages
      .filter((page) => page.sections.length > 0)
      .map((page) => {
        const a = document.createElement("a");
        a.href = `#${page.url}`;
        a.textContent = typeof page.title === "string" ? page.title : page.id;
        if (page.url === current) a.setAttribute("aria-current", "page");
        return a;
      }),
  );
}

/** Shows the page whose URL the location's fragment names (`#/products/`; none: the home page). */
async function route() {
  const url = location.hash.startsWith("#/") ? location.hash.slice(1) : "/";
  const main = /** @type {HTMLElement} */ (document.getElementById("page"));
  main.setAttribute("aria-busy", "true");
  /** @type {{body: PageList}} */
  const { body: list } = await load("/pages?limit=1000");
  navigation(list, url);
  const entry = list.pages.find((page) => page.url === url);
  if (!entry) throw new Error(`no page is published at ${url}`);
  /** @type {{body: PageDocument, revalidated: boolean}} */
  const { body: page, revalidated } = await load(`/pages/${encodeURIComponent(entry.id)}`);
  show(page);
  document.body.dataset.revalidated = String(revalidated);
}

function showError(/** @type {Error} */ error) {
  const main = /** @type {HTMLElement} */ (document.getElementById("page"));
  const status = document.createElement("p");
  status.className = "status";
  status.textContent = `The page could not be loaded: ${error.message}`;
  main.replaceChildren(status);
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

/**
 * Live updates without polling: GET /events streams one event per published change, and a
 * change to the page on screen re-reads it (revalidated: only what changed is transferred) and
 * renders it again in place. EventSource reconnects by itself, sending the last event's id, so
 * a dropped connection misses nothing.
 */
function follow() {
  const events = new EventSource("/events");
  events.addEventListener("change", (message) => {
    /** @type {{page: string}} */
    const change = JSON.parse(/** @type {MessageEvent<string>} */ (message).data);
    const main = /** @type {HTMLElement} */ (document.getElementById("page"));
    if (change.page !== main.dataset.page) return;
    load(`/pages/${encodeURIComponent(change.page)}`)
      .then(({ body }) => {
        show(body);
        document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
      })
      .catch(showError);
  });
  events.addEventListener("open", () => {
    document.body.dataset.live = "true";
  });
}

window.addEventListener("hashchange", () => route().catch(showError));
route().catch(showError);
follow();
