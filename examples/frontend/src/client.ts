// A typed client for gen3-content: the types are generated from openapi/openapi.json by
// openapi-typescript (`npm run generate`), the requests are made by openapi-fetch. Nothing here
// is written by hand but the examples below, which CI type-checks (`npm run typecheck`) after
// regenerating the types, so a change to the document that breaks a frontend breaks CI.

import createClient from "openapi-fetch";

import type { components, paths } from "./api";

export type Section = components["schemas"]["Section"];
export type SectionsDocument = components["schemas"]["SectionsDocument"];
export type PageDocument = components["schemas"]["PageDocument"];
export type Problem = components["schemas"]["Problem"];

export function gen3Content(baseUrl: string, token?: string) {
  return createClient<paths>({
    baseUrl,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}

/** The text of any section, for types a frontend has no renderer of its own for yet. */
export function texts(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value !== null && typeof value === "object") {
    return Object.entries(value)
      .filter(([key]) => !["id", "type", "key", "updated_at", "target"].includes(key))
      .flatMap(([, v]) => texts(v));
  }
  return [];
}

/** One line per section: the landing page's nine types each their own way (a change to their
 * fields breaks the build), every other type of the content model by its text. */
export function describe(section: Section): string {
  switch (section.type) {
    case "teaser":
      return `${section.title} [${section.button1.caption}] [${section.button2.caption}]`;
    case "features":
      return section.items.map((item) => item.title).join(" · ");
    case "roles":
      return `${section.title} ${section.items.map((item) => item.name).join(", ")}`;
    case "vision":
      return section.quote;
    case "users":
      return `${section.title} “${section.quote}” (${section.by})`;
    case "company":
      return section.title;
    case "commons":
      return section.items.map((item) => `${item.title} <${item.link}>`).join(", ");
    case "contributor":
      return `${section.title} <${section.link}>`;
    case "entrance":
      return section.items.map((item) => item.button.caption).join(" | ");
    default:
      return texts(section).join(" · ");
  }
}

/** Reads the page, revalidating a kept copy with If-None-Match (a 304 keeps it). */
export async function sections(
  client: ReturnType<typeof gen3Content>,
  kept?: { etag: string; document: SectionsDocument },
): Promise<{ etag: string; document: SectionsDocument }> {
  const { data, error, response } = await client.GET("/sections", {
    params: { header: kept ? { "If-None-Match": kept.etag } : {} },
  });
  if (response.status === 304 && kept) return kept;
  if (error !== undefined || data === undefined) {
    throw new Error(`GET /sections answered ${response.status}`);
  }
  return { etag: response.headers.get("ETag") ?? "", document: data };
}

/** The page Hugo publishes at `url` (`/products/workspaces/`): found in the list of pages, then
 * read by its id (which openapi-fetch percent-encodes: `products%2Fworkspaces`). */
export async function pageAt(client: ReturnType<typeof gen3Content>, url: string): Promise<PageDocument> {
  let cursor: string | undefined;
  for (;;) {
    const query = cursor === undefined ? { limit: 1000 } : { limit: 1000, cursor };
    const list = await client.GET("/pages", { params: { query } });
    if (!list.data) throw new Error(`GET /pages answered ${list.response.status}`);
    const entry = list.data.pages.find((page) => page.url === url);
    if (entry) {
      const page = await client.GET("/pages/{id}", { params: { path: { id: entry.id } } });
      if (!page.data) throw new Error(`GET /pages/${entry.id} answered ${page.response.status}`);
      return page.data;
    }
    if (!list.data.next) throw new Error(`no page is published at ${url}`);
    cursor = list.data.next;
  }
}

/** An edit: read the section and its ETag, change the title, write it back with If-Match. */
export async function retitleVision(client: ReturnType<typeof gen3Content>, quote: string) {
  const read = await client.GET("/sections/{id}", { params: { path: { id: "vision" } } });
  const etag = read.response.headers.get("ETag");
  if (!read.data || !etag) throw new Error("cannot read the vision section");
  const { data, error } = await client.PATCH("/sections/{id}", {
    params: { path: { id: "vision" }, header: { "If-Match": etag } },
    body: { quote },
    headers: { "Content-Type": "application/merge-patch+json" },
  });
  if (error) {
    // Every error is an RFC 9457 problem; a 422 lists the offending fields.
    const problem: Problem = error;
    throw new Error(`${problem.status} ${problem.title}: ${problem.detail ?? ""}`);
  }
  return data;
}
