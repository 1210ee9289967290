// Seed dataset: the facts of one news report (Financial Times, Sunday 24 September 2023), encoded as
// data in the project's own words. Every record cites the report by paragraph: the stored text's first
// line is its heading, and each non-empty line after it is a paragraph, numbered from 1 (so the
// newsletter line under the heading is paragraph 1 and "South Caucasus" stands in paragraph 3).
// Quotes appear only where the reported words of a named person, or the exact wording of a figure,
// are themselves the fact; they keep the stored text's machine-translated wording as it appears. Dates the report does not give are either taken from a
// public page cited alongside it (basis external, the note naming the page) or kept at the precision
// the report supports, with a note saying the rest is not sourced.
import type { SeedDatasetInput } from './schema.ts'

export const FT = 'ft-2023-09-24'

// External references for dates the report does not give. Each was read in a stored public copy of
// the page; only what that copy shows is recorded (a headline it lacks is left null).
const BBC = 'bbc-2023-09-20'
const GUARDIAN = 'guardian-2023-09-21'
const JPOST = 'jpost-reuters-2023-09-21'
const KYIV_INDEPENDENT = 'kyiv-independent-2023-09-20'
const TRILATERAL = 'armenia-pm-office-2020-11-10'

/** The paragraphs of the stored FT text: the non-empty lines after its heading. */
export const FT_PARAGRAPHS = 14

/** A citation of the FT report by paragraph, optionally with the exact reported wording. */
function cite(paragraph: number, quote?: string): { source: string; paragraph: number; quote?: string } {
  if (!Number.isInteger(paragraph) || paragraph < 1 || paragraph > FT_PARAGRAPHS) {
    throw new RangeError(`the FT report has paragraphs 1 to ${FT_PARAGRAPHS}; ${paragraph} cited`)
  }
  return quote === undefined ? { source: FT, paragraph } : { source: FT, paragraph, quote }
}

/** A citation of an external reference, located in words because only a stored copy was read. */
function ref(source: string, locator: string): { source: string; locator: string } {
  return { source, locator }
}

const STORED_COPY = 'Read in a stored public copy of the page; paragraphs are counted in the article text.'

// Pashinyan's address is undated in the report; a day would be a guess, so only the month is given.
const ADDRESS_NOTE =
  'The report, published on Sunday 24 September 2023, does not date the address. It answers the departures ' +
  'that followed the offensive of the week before and took place by the day of the report, so it is dated to ' +
  'September 2023. The day is not sourced in this dataset: giving it as 24 September would be an assumption.'

const COORDS_NOTE = 'Coordinates are approximate public reference coordinates (external), not taken from the report.'

export const seedData: SeedDatasetInput = {
  sources: [
    {
      id: FT,
      publisher: 'Financial Times',
      title: null,
      url: null,
      publishedDate: '2023-09-24',
      kind: 'news_report',
      language: 'en',
      note:
        'The stored text is a rough machine translation into English of the Financial Times report; its title, URL and ' +
        'date are not in the stored text. Its first line is a heading; paragraphs are the non-empty lines after it, ' +
        'numbered from 1. The publication date is inferred: the report gives arrivals "as of 6 pm local time on Sunday" ' +
        'as its latest news and the assault as "last week"; the assault began on Tuesday 19 September 2023 (BBC News, ' +
        'cited on that event), so that Sunday, and the date given here, is 24 September 2023.',
    },
    {
      id: BBC,
      publisher: 'BBC News',
      title: 'Nagorno-Karabakh forces agree Azerbaijan demand to disarm',
      url: 'https://www.bbc.com/news/world-europe-66863702',
      publishedDate: '2023-09-20',
      kind: 'news_report',
      language: 'en',
      note: `${STORED_COPY} Cited for the days of the offensive and the ceasefire only.`,
    },
    {
      id: GUARDIAN,
      publisher: 'The Guardian',
      title: null,
      url: 'https://www.theguardian.com/world/2023/sep/21/talks-begin-between-azerbaijan-and-breakaway-armenian-republic-nagorno-karabakh',
      publishedDate: '2023-09-21',
      kind: 'news_report',
      language: 'en',
      note: `${STORED_COPY} The stored copy starts at the article text, so its headline is not recorded here. Cited for the day of the Yevlakh talks.`,
    },
    {
      id: JPOST,
      publisher: 'The Jerusalem Post',
      title: "Azerbaijan's Aliyev apologizes to Putin for death of Russian servicemen - Kremlin",
      url: 'https://www.jpost.com/breaking-news/article-759961',
      publishedDate: '2023-09-21',
      kind: 'news_report',
      language: 'en',
      note: `${STORED_COPY} A Reuters report ("By REUTERS"), published on 21 September 2023 according to the page. Cited for the days of the apology and of the peacekeepers' deaths.`,
    },
    {
      id: KYIV_INDEPENDENT,
      publisher: 'The Kyiv Independent',
      title: null,
      url: 'https://kyivindependent.com/nagorno-karabakh-authorities-surrender-in-apparent-russia-brokered-deal/',
      publishedDate: '2023-09-20',
      kind: 'news_report',
      language: 'en',
      note: `${STORED_COPY} The stored copy starts at the article text, so its headline is not recorded here. Cited for the year from which the region was under separatist control.`,
    },
    {
      id: TRILATERAL,
      publisher: 'Office of the Prime Minister of the Republic of Armenia',
      title:
        'Statement by the Prime Minister of the Republic of Armenia, the President of the Republic of Azerbaijan and ' +
        'the President of the Russian Federation',
      url: 'https://www.primeminister.am/en/press-release/item/2020/11/10/Announcement/%20%20%20%20%20%20%20%20%20statement',
      publishedDate: '2020-11-10',
      kind: 'official_statement',
      language: 'en',
      note:
        'Press release on primeminister.am, the Armenian prime minister\'s website (the publisher is named after ' +
        'it), giving the text of the trilateral statement, dated 10.11.2020 on the page. Read in a stored public ' +
        'copy; locators name the numbered points of the statement.',
    },
  ],

  actors: [
    {
      id: 'azerbaijan',
      name: 'Azerbaijan',
      aliases: [],
      kind: 'state',
      affiliation: null,
      description: 'South Caucasus state; the enclave of Nagorno-Karabakh is internationally recognised as part of its territory.',
      citations: [cite(2), cite(4)],
    },
    {
      id: 'government-of-azerbaijan',
      name: 'Government of Azerbaijan',
      aliases: ['Baku'],
      kind: 'government',
      affiliation: 'azerbaijan',
      description: 'The Azerbaijani government, referred to in the report by its capital, Baku.',
      citations: [cite(6), cite(7)],
    },
    {
      id: 'azerbaijani-armed-forces',
      name: 'Azerbaijani armed forces',
      aliases: ['Azerbaijani forces'],
      kind: 'armed_forces',
      affiliation: 'azerbaijan',
      description: "Azerbaijan's military, which carried out the assault on Nagorno-Karabakh.",
      citations: [cite(2), cite(12)],
    },
    {
      id: 'armenia',
      name: 'Armenia',
      aliases: [],
      kind: 'state',
      affiliation: null,
      description: 'South Caucasus state and the destination of Armenians leaving Nagorno-Karabakh.',
      citations: [cite(4), cite(9), cite(11)],
    },
    {
      id: 'government-of-armenia',
      name: 'Government of Armenia',
      aliases: ['Yerevan'],
      kind: 'government',
      affiliation: 'armenia',
      description: 'The Armenian government, referred to in the report by its capital, Yerevan.',
      citations: [cite(8), cite(11)],
    },
    {
      id: 'armenian-army',
      name: 'Armenian army',
      aliases: [],
      kind: 'armed_forces',
      affiliation: 'armenia',
      description: "Armenia's army; some residents of Nagorno-Karabakh served with it, according to the report.",
      citations: [cite(7)],
    },
    {
      id: 'armenian-authorities',
      name: 'Armenian authorities',
      aliases: [],
      kind: 'authority',
      affiliation: 'government-of-armenia',
      description: 'Armenian state authorities cited by CivilNet for the count of refugees arriving in southern Armenia.',
      citations: [cite(9)],
    },
    {
      id: 'nagorno-karabakh-separatist-authorities',
      name: 'Nagorno-Karabakh separatist authorities',
      aliases: [],
      kind: 'authority',
      affiliation: null,
      description: "The breakaway region's separatist leadership, defeated by the Azerbaijani assault.",
      citations: [cite(2), cite(4)],
    },
    {
      id: 'nagorno-karabakh-separatist-forces',
      name: 'Nagorno-Karabakh separatist forces',
      aliases: [],
      kind: 'armed_group',
      affiliation: 'nagorno-karabakh-separatist-authorities',
      description: 'The armed forces of the breakaway region, which agreed to a ceasefire, to disband and to hand over their weapons.',
      citations: [cite(5), cite(7)],
    },
    {
      id: 'nagorno-karabakh-leader',
      name: 'Leader of Nagorno-Karabakh',
      aliases: [],
      kind: 'person',
      affiliation: 'nagorno-karabakh-separatist-authorities',
      description: "The leader of the enclave's separatist administration; the report does not name him.",
      citations: [cite(9)],
    },
    {
      id: 'armenians-of-nagorno-karabakh',
      name: 'Armenians of Nagorno-Karabakh',
      aliases: [],
      kind: 'civilian_population',
      affiliation: null,
      description: 'The ethnic Armenian population of the enclave, who began leaving for Armenia after the assault.',
      citations: [cite(2), cite(3), cite(8)],
    },
    {
      id: 'russia',
      name: 'Russia',
      aliases: [],
      kind: 'state',
      affiliation: null,
      description: 'Described in the report as historically the largest supporter of the Armenian region.',
      citations: [cite(10), cite(11), cite(12)],
    },
    {
      id: 'russian-peacekeepers',
      name: 'Russian peacekeepers',
      aliases: [],
      kind: 'peacekeeping_force',
      affiliation: 'russia',
      description: 'Russian peacekeeping contingent stationed in the region under the 2020 agreement.',
      citations: [cite(9), cite(10), cite(12)],
    },
    {
      id: 'kremlin',
      name: 'Kremlin',
      aliases: ['Moscow'],
      kind: 'government',
      affiliation: 'russia',
      description: 'The Russian leadership, also referred to in the report as Moscow.',
      citations: [cite(11), cite(12), cite(13)],
    },
    {
      id: 'united-states',
      name: 'United States',
      aliases: [],
      kind: 'state',
      affiliation: null,
      description: "Named by the Kremlin, according to the report, as a helper of Pashinyan's separate peace efforts.",
      citations: [cite(13)],
    },
    {
      id: 'european-union',
      name: 'European Union',
      aliases: ['EU'],
      kind: 'international_organisation',
      affiliation: null,
      description: "Named by the Kremlin, according to the report, as a helper of Pashinyan's separate peace efforts.",
      citations: [cite(13)],
    },
    {
      id: 'hikmet-hajiyev',
      name: 'Hikmet Hajiyev',
      aliases: [],
      kind: 'person',
      affiliation: 'government-of-azerbaijan',
      description: 'Azerbaijani official and presidential adviser who spoke to the Financial Times.',
      citations: [cite(6), cite(7)],
    },
    {
      id: 'nikol-pashinyan',
      name: 'Nikol Pashinyan',
      aliases: [],
      kind: 'person',
      affiliation: 'government-of-armenia',
      description: 'Prime Minister of Armenia, who came to power in the 2018 "Velvet" revolution.',
      citations: [cite(8), cite(11), cite(14)],
    },
    {
      id: 'ilham-aliyev',
      name: 'Ilham Aliyev',
      aliases: [],
      kind: 'person',
      affiliation: 'government-of-azerbaijan',
      description: 'President of Azerbaijan.',
      citations: [cite(12)],
    },
    {
      id: 'vladimir-putin',
      name: 'Vladimir Putin',
      aliases: [],
      kind: 'person',
      affiliation: 'kremlin',
      description: 'President of Russia, who brokered the 2020 agreement.',
      citations: [cite(10), cite(12)],
    },
    {
      id: 'civilnet',
      name: 'CivilNet',
      aliases: [],
      kind: 'media_outlet',
      affiliation: null,
      description: 'Local Armenian news website that relayed the Armenian authorities\' refugee count.',
      citations: [cite(9)],
    },
    {
      id: 'financial-times',
      name: 'Financial Times',
      aliases: ['FT'],
      kind: 'media_outlet',
      affiliation: null,
      description: 'British newspaper that published the report and interviewed Hikmet Hajiyev.',
      citations: [cite(6)],
    },
  ],

  places: [
    {
      id: 'azerbaijan',
      name: 'Azerbaijan',
      aliases: [],
      kind: 'country',
      latitude: 40.14,
      longitude: 47.58,
      countryCode: 'AZ',
      parent: null,
      note: `${COORDS_NOTE} The point is an approximate centroid of the country.`,
      citations: [cite(4)],
    },
    {
      id: 'armenia',
      name: 'Armenia',
      aliases: [],
      kind: 'country',
      latitude: 40.07,
      longitude: 45.04,
      countryCode: 'AM',
      parent: null,
      note: `${COORDS_NOTE} The point is an approximate centroid of the country.`,
      citations: [cite(9), cite(11)],
    },
    {
      id: 'nagorno-karabakh',
      name: 'Nagorno-Karabakh',
      aliases: ['Karabakh', 'Artsakh'],
      kind: 'region',
      latitude: 39.82,
      longitude: 46.75,
      countryCode: 'AZ',
      parent: 'azerbaijan',
      note:
        `${COORDS_NOTE} The point is an approximate reference point for the region. The country code and parent ` +
        'follow the report, which says the enclave is internationally recognised as part of Azerbaijan.',
      citations: [cite(2), cite(4)],
    },
    {
      id: 'yevlakh',
      name: 'Yevlakh',
      aliases: ['Yevlach'],
      kind: 'town',
      latitude: 40.618,
      longitude: 47.15,
      countryCode: 'AZ',
      parent: 'azerbaijan',
      note: `${COORDS_NOTE} The machine-translated report spells the town "Yevlach".`,
      citations: [cite(5)],
    },
    {
      id: 'baku',
      name: 'Baku',
      aliases: [],
      kind: 'city',
      latitude: 40.4093,
      longitude: 49.8671,
      countryCode: 'AZ',
      parent: 'azerbaijan',
      note: `${COORDS_NOTE} Capital of Azerbaijan; the report uses the name for the Azerbaijani government.`,
      citations: [cite(6), cite(7)],
    },
    {
      id: 'yerevan',
      name: 'Yerevan',
      aliases: [],
      kind: 'city',
      latitude: 40.1872,
      longitude: 44.5152,
      countryCode: 'AM',
      parent: 'armenia',
      note: `${COORDS_NOTE} Capital of Armenia; the report uses the name for the Armenian government.`,
      citations: [cite(11)],
    },
    {
      id: 'moscow',
      name: 'Moscow',
      aliases: [],
      kind: 'city',
      latitude: 55.7558,
      longitude: 37.6173,
      countryCode: 'RU',
      parent: null,
      note: `${COORDS_NOTE} Capital of Russia; the report uses the name for the Russian leadership.`,
      citations: [cite(11), cite(12)],
    },
    {
      id: 'southern-armenia',
      name: 'Southern Armenia',
      aliases: [],
      kind: 'area',
      latitude: 39.5,
      longitude: 46.0,
      countryCode: 'AM',
      parent: 'armenia',
      note:
        `${COORDS_NOTE} The report says only "southern Armenia"; the point is an approximate centroid of ` +
        "Armenia's Syunik province (external).",
      citations: [cite(9)],
    },
  ],

  events: [
    {
      id: 'armenian-control-since-soviet-collapse',
      title: 'Nagorno-Karabakh under de facto Armenian control since the Soviet collapse',
      summary:
        'Since the Soviet Union collapsed, the enclave has in practice been run by Armenia or by local Armenian ' +
        'leaders, although it is internationally recognised as part of Azerbaijan.',
      type: 'status',
      start: '1991',
      end: null,
      datePrecision: 'year',
      dateBasis: 'external',
      dateNote:
        'The report says only "since the collapse of the Soviet Union". The year is from The Kyiv Independent ' +
        '(article of 20 September 2023, headline not recorded, para. 5), which dates the separatists\' de facto ' +
        'control of the region from 1991. No end date is given: the report describes the situation in the present perfect.',
      place: 'nagorno-karabakh',
      actors: [
        { actor: 'armenia', role: 'party' },
        { actor: 'nagorno-karabakh-separatist-authorities', role: 'party' },
        { actor: 'azerbaijan', role: 'party' },
      ],
      citations: [cite(4), ref(KYIV_INDEPENDENT, 'para. 5 of the article text')],
    },
    {
      id: 'velvet-revolution-2018',
      title: "Armenia's \"Velvet\" revolution brings Pashinyan to power",
      summary: 'Nikol Pashinyan came to power in Armenia through the "Velvet" revolution.',
      type: 'political_change',
      start: '2018',
      end: null,
      datePrecision: 'year',
      dateBasis: 'stated',
      dateNote: 'The report names the year of the revolution.',
      place: 'armenia',
      actors: [{ actor: 'nikol-pashinyan', role: 'initiator' }],
      citations: [cite(11)],
    },
    {
      id: 'yerevan-moscow-relations-deteriorate',
      title: 'Relations between Yerevan and Moscow deteriorate',
      summary:
        'After Pashinyan took power, relations between Armenia and Russia kept getting worse, and, according to ' +
        'the report, Russia failed to provide aid to Armenia "during the war" (the report does not say which war).',
      type: 'political_change',
      start: '2018',
      end: null,
      datePrecision: 'year',
      dateBasis: 'inferred',
      dateNote:
        'The report places the deterioration after Pashinyan came to power in the 2018 revolution; the start is ' +
        'approximated to that year and the process is described as continuing, so no end is given.',
      place: null,
      actors: [
        { actor: 'government-of-armenia', role: 'party' },
        { actor: 'kremlin', role: 'party' },
        { actor: 'armenia', role: 'party' },
        { actor: 'russia', role: 'party' },
      ],
      citations: [cite(11)],
    },
    {
      id: 'agreement-2020',
      title: 'Putin-brokered 2020 agreement',
      summary:
        'An agreement brokered by Russian President Vladimir Putin, under which Russia stationed peacekeepers in ' +
        'the Nagorno-Karabakh region. The report does not name its signatories.',
      type: 'agreement',
      start: '2020-11',
      end: null,
      datePrecision: 'month',
      dateBasis: 'external',
      dateNote:
        'The report states only the year ("a 2020 agreement"). The month is from the trilateral statement of the ' +
        'leaders of Armenia, Azerbaijan and Russia as published by the Office of the Prime Minister of the Republic ' +
        'of Armenia, "Statement by the Prime Minister of the Republic of Armenia, the President of the Republic of ' +
        'Azerbaijan and the President of the Russian Federation" (10 November 2020, point 1: a complete ceasefire ' +
        'from 00:00 Moscow time on 10 November 2020). Only the month is recorded.',
      place: null,
      actors: [
        { actor: 'vladimir-putin', role: 'mediator' },
        { actor: 'russia', role: 'mediator' },
      ],
      citations: [cite(10), ref(TRILATERAL, 'heading, date and point 1 of the statement')],
    },
    {
      id: 'russian-peacekeeping-deployment-2020',
      title: 'Russia stations peacekeepers in Nagorno-Karabakh',
      summary:
        'Under the 2020 agreement, Russia, historically the Armenian region\'s largest supporter, stationed more ' +
        'than 2,000 peacekeepers in the region.',
      type: 'deployment',
      start: '2020-11',
      end: null,
      datePrecision: 'month',
      dateBasis: 'external',
      dateNote:
        'The report ties the deployment to the 2020 agreement without dating it. The month is that of the ' +
        'agreement, whose text provides for the deployment: Office of the Prime Minister of the Republic of Armenia, ' +
        '"Statement by the Prime Minister of the Republic of Armenia, the President of the Republic of Azerbaijan ' +
        'and the President of the Russian Federation" (10 November 2020, points 3 and 4). That statement is cited for ' +
        'the month only: its point 3 sets the contingent at 1,960 servicemen, while "more than 2,000" is the report\'s figure.',
      place: 'nagorno-karabakh',
      actors: [
        { actor: 'russia', role: 'initiator' },
        { actor: 'russian-peacekeepers', role: 'party' },
      ],
      citations: [cite(10, 'stationing more than 2,000 peacekeepers in the region'), ref(TRILATERAL, 'points 3 and 4 of the statement')],
    },
    {
      id: 'azerbaijani-offensive-2023-09',
      title: 'Azerbaijani 24-hour assault on Nagorno-Karabakh',
      summary:
        'A short but deadly Azerbaijani military assault, lasting 24 hours, defeated the separatist leadership of ' +
        'Nagorno-Karabakh. According to officials, at least 200 people were killed and more than 400 injured.',
      type: 'offensive',
      start: '2023-09-19',
      end: '2023-09-20',
      datePrecision: 'day',
      dateBasis: 'external',
      dateNote:
        'The report says only "last week" and describes a 24-hour attack. The days are from BBC News, ' +
        '"Nagorno-Karabakh forces agree Azerbaijan demand to disarm" (20 September 2023, paras. 1 and 4): on the ' +
        'day of publication, a Wednesday, it reports that the separatist forces accepted a ceasefire twenty-four ' +
        'hours after the offensive was launched, and that Azerbaijan demanded a full surrender on Tuesday, 19 September.',
      place: 'nagorno-karabakh',
      actors: [
        { actor: 'azerbaijan', role: 'initiator' },
        { actor: 'azerbaijani-armed-forces', role: 'initiator' },
        { actor: 'nagorno-karabakh-separatist-forces', role: 'target' },
        { actor: 'nagorno-karabakh-separatist-authorities', role: 'target' },
        { actor: 'armenians-of-nagorno-karabakh', role: 'affected' },
      ],
      citations: [cite(2), cite(4), cite(5), ref(BBC, 'paras. 1 and 4 of the article text')],
    },
    {
      id: 'russian-peacekeepers-killed-2023-09',
      title: 'Five Russian peacekeepers killed by Azerbaijani forces',
      summary:
        'During the assault, five Russian peacekeepers were killed by Azerbaijani forces; the report describes ' +
        'the killings as accidental.',
      type: 'attack',
      start: '2023-09-20',
      end: null,
      datePrecision: 'day',
      dateBasis: 'external',
      dateNote:
        'The report places the deaths during last week\'s attack without a date. The day is from The Jerusalem ' +
        'Post, "Azerbaijan\'s Aliyev apologizes to Putin for death of Russian servicemen - Kremlin" (a Reuters ' +
        'report of 21 September 2023, para. 1): Aliyev apologised on Thursday, 21 September, for the deaths of ' +
        'the peacekeepers "the previous day".',
      place: 'nagorno-karabakh',
      actors: [
        { actor: 'azerbaijani-armed-forces', role: 'initiator' },
        { actor: 'russian-peacekeepers', role: 'affected' },
      ],
      citations: [cite(12), ref(JPOST, 'para. 1 of the article text')],
    },
    {
      id: 'russian-peacekeepers-do-not-intervene',
      title: 'Russian peacekeepers stay out of the fighting',
      summary: 'The Russian peacekeepers stationed in the region did not intervene during the Azerbaijani assault.',
      type: 'deployment',
      start: '2023-09-19',
      end: '2023-09-20',
      datePrecision: 'day',
      dateBasis: 'external',
      dateNote:
        'The report says "last week\'s attack". The days are those of the offensive, from BBC News, ' +
        '"Nagorno-Karabakh forces agree Azerbaijan demand to disarm" (20 September 2023, paras. 1 and 4); that ' +
        'article is cited for the days only, and the peacekeepers\' conduct is from the report.',
      place: 'nagorno-karabakh',
      actors: [
        { actor: 'russian-peacekeepers', role: 'observer' },
        { actor: 'russia', role: 'observer' },
      ],
      citations: [cite(12), ref(BBC, 'paras. 1 and 4 of the article text')],
    },
    {
      id: 'ceasefire-2023-09-20',
      title: 'Separatist forces agree to ceasefire and to disband',
      summary:
        'Soon after the assault, the separatist forces of Nagorno-Karabakh agreed to a ceasefire, under which ' +
        'they would disband, hand their weapons over to Azerbaijan and open talks in the Azerbaijani town of Yevlakh.',
      type: 'ceasefire',
      start: '2023-09-20',
      end: null,
      datePrecision: 'day',
      dateBasis: 'external',
      dateNote:
        'The report says only that the separatists "quickly" agreed after the attack. The day is from BBC News, ' +
        '"Nagorno-Karabakh forces agree Azerbaijan demand to disarm" (20 September 2023, para. 1), which reports ' +
        'on the day of publication that the forces had agreed Russian terms for a ceasefire.',
      place: 'nagorno-karabakh',
      actors: [
        { actor: 'nagorno-karabakh-separatist-forces', role: 'party' },
        { actor: 'azerbaijan', role: 'party' },
      ],
      citations: [cite(5), ref(BBC, 'para. 1 of the article text')],
    },
    {
      id: 'yevlakh-talks-2023-09-21',
      title: 'Talks in Yevlakh',
      summary:
        'Under the ceasefire, the Nagorno-Karabakh separatists agreed to start talks with Azerbaijan in the ' +
        'Azerbaijani town of Yevlakh. The report mentions only the agreement to start the talks.',
      type: 'negotiation',
      start: '2023-09-21',
      end: null,
      datePrecision: 'day',
      dateBasis: 'external',
      dateNote:
        'The report gives no date for the talks. The day is from The Guardian (article of 21 September 2023, ' +
        'headline not recorded, paras. 1 and 2), which reports on the day of publication that negotiators had ' +
        'begun talks, and that video showed the separatist delegation driving to Yevlakh.',
      place: 'yevlakh',
      actors: [
        { actor: 'nagorno-karabakh-separatist-forces', role: 'party' },
        { actor: 'government-of-azerbaijan', role: 'party' },
      ],
      citations: [cite(5), ref(GUARDIAN, 'paras. 1 and 2 of the article text')],
    },
    {
      id: 'aliyev-apology-to-putin',
      title: 'Aliyev apologises to Putin for the peacekeepers\' deaths',
      summary:
        'The killing of the Russian peacekeepers led Azerbaijani President Ilham Aliyev to apologise to Russian ' +
        'President Vladimir Putin.',
      type: 'diplomatic_contact',
      start: '2023-09-21',
      end: null,
      datePrecision: 'day',
      dateBasis: 'external',
      dateNote:
        'The report does not date the apology. The day is from The Jerusalem Post, "Azerbaijan\'s Aliyev apologizes ' +
        'to Putin for death of Russian servicemen - Kremlin" (a Reuters report of 21 September 2023, para. 1), ' +
        'which says Aliyev apologised in a phone call on Thursday, the day of publication.',
      place: null,
      actors: [
        { actor: 'ilham-aliyev', role: 'initiator' },
        { actor: 'vladimir-putin', role: 'party' },
      ],
      citations: [cite(12), ref(JPOST, 'para. 1 of the article text')],
    },
    {
      id: 'moscow-restrained-response',
      title: 'Moscow responds with restraint',
      summary:
        'Russia reacted with restraint to the assault, including the deaths of its peacekeepers; instead, the ' +
        'Kremlin blames Armenia\'s predicament on Pashinyan, according to the report.',
      type: 'statement',
      start: '2023-09',
      end: null,
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote:
        'The report says Moscow responded "after the attack" of last week, in a report of 24 September 2023; ' +
        'no day is given.',
      place: 'moscow',
      actors: [
        { actor: 'kremlin', role: 'speaker' },
        { actor: 'russia', role: 'party' },
      ],
      citations: [cite(12), cite(13)],
    },
    {
      id: 'azerbaijan-takes-control-of-enclave',
      title: 'Azerbaijan begins taking control of Nagorno-Karabakh',
      summary:
        'After its assault defeated the separatist leadership, Azerbaijan began to take control of the breakaway enclave.',
      type: 'political_change',
      start: '2023-09',
      end: null,
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote:
        'The report, of 24 September 2023, says Azerbaijan had begun taking control after last week\'s assault; ' +
        'no day is given, and the process was still under way.',
      place: 'nagorno-karabakh',
      actors: [
        { actor: 'azerbaijan', role: 'initiator' },
        { actor: 'nagorno-karabakh-separatist-authorities', role: 'target' },
        { actor: 'armenians-of-nagorno-karabakh', role: 'affected' },
      ],
      citations: [cite(2)],
    },
    {
      id: 'exodus-from-nagorno-karabakh-begins',
      title: 'Armenians begin to leave Nagorno-Karabakh',
      summary:
        'Armenians started fleeing the enclave. The report says 120,000 Armenians live there and fear being fully ' +
        'annexed by Azerbaijan, so the number of refugees is expected to grow.',
      type: 'displacement',
      start: '2023-09-24',
      end: null,
      datePrecision: 'day',
      dateBasis: 'inferred',
      dateNote: 'The report says "on Sunday"; it was published on Sunday 24 September 2023, so Sunday is taken to be that day.',
      place: 'nagorno-karabakh',
      actors: [
        { actor: 'armenians-of-nagorno-karabakh', role: 'affected' },
      ],
      citations: [cite(2), cite(3), cite(9)],
    },
    {
      id: 'refugees-arrive-southern-armenia',
      title: 'First refugees from Nagorno-Karabakh reach southern Armenia',
      summary:
        'Refugees from the enclave arrived in southern Armenia; CivilNet, citing the Armenian authorities, ' +
        'reported 377 arrivals by 6 pm local time on Sunday.',
      type: 'displacement',
      start: '2023-09-24',
      end: null,
      datePrecision: 'day',
      dateBasis: 'inferred',
      dateNote: 'The count is "as of 6 pm local time on Sunday"; the report is dated Sunday 24 September 2023.',
      place: 'southern-armenia',
      actors: [
        { actor: 'armenians-of-nagorno-karabakh', role: 'affected' },
        { actor: 'armenian-authorities', role: 'observer' },
      ],
      citations: [cite(9)],
    },
    {
      id: 'pashinyan-address-to-the-nation',
      title: "Pashinyan's address to the nation",
      summary:
        'Armenian Prime Minister Nikol Pashinyan addressed the nation on the departures from Nagorno-Karabakh, ' +
        'the intentions he attributed to Azerbaijan and the reliability of Armenia\'s security allies.',
      type: 'statement',
      start: '2023-09',
      end: null,
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote: ADDRESS_NOTE,
      place: null,
      actors: [{ actor: 'nikol-pashinyan', role: 'speaker' }],
      citations: [cite(8), cite(14)],
    },
  ],

  casualtyReports: [
    {
      id: 'offensive-killed-at-least-200',
      event: 'azerbaijani-offensive-2023-09',
      outcome: 'killed',
      victimGroup: 'people',
      low: 200,
      high: null,
      best: null,
      qualifier: 'at_least',
      reportedPhrase: 'At least 200 people were killed',
      reportedBy: null,
      victimActor: null,
      perpetratorActor: null,
      note:
        'According to officials (unnamed in the report). The report does not say who the dead were or whether the ' +
        'figure includes the peacekeepers.',
      citations: [cite(4, 'At least 200 people were killed')],
    },
    {
      id: 'offensive-injured-more-than-400',
      event: 'azerbaijani-offensive-2023-09',
      outcome: 'injured',
      victimGroup: 'people',
      low: 401,
      high: null,
      best: null,
      qualifier: 'more_than',
      reportedPhrase: 'more than 400 injured',
      reportedBy: null,
      victimActor: null,
      perpetratorActor: null,
      note: 'According to officials (unnamed in the report). "More than" is encoded as a lower bound one above the stated number.',
      citations: [cite(4, 'more than 400 injured')],
    },
    {
      id: 'peacekeepers-killed-five',
      event: 'azerbaijani-offensive-2023-09',
      outcome: 'killed',
      victimGroup: 'peacekeepers',
      low: 5,
      high: 5,
      best: 5,
      qualifier: 'exact',
      reportedPhrase: 'five peacekeepers were accidentally killed by Azerbaijani forces',
      reportedBy: null,
      victimActor: 'russian-peacekeepers',
      perpetratorActor: 'azerbaijani-armed-forces',
      note:
        'Stated by the report without attribution; the report describes the killings as accidental. Recorded on the ' +
        'offensive, because the report places these deaths in "the attack" whose toll is "at least 200 people", a ' +
        'figure that may include them: the two are not added. The event of the peacekeepers\' deaths dates them.',
      citations: [cite(12, 'five peacekeepers were accidentally killed by Azerbaijani forces')],
    },
  ],

  displacementCounts: [
    {
      id: 'nagorno-karabakh-armenian-population',
      event: 'exodus-from-nagorno-karabakh-begins',
      metric: 'population_at_risk',
      low: 120000,
      high: 120000,
      best: 120000,
      qualifier: 'exact',
      reportedPhrase: 'There are 120,000 Armenians',
      origin: 'nagorno-karabakh',
      destination: null,
      asOf: '2023-09-24',
      asOfPrecision: 'day',
      asOfBasis: 'inferred',
      asOfNote:
        'The report gives the figure in the present tense and without a date; it is dated to the day the report ' +
        'gives it as current, its publication day, 24 September 2023. When the count was made is not known.',
      reportedBy: null,
      relayedBy: null,
      note:
        'Stated by the report without attribution and without a qualifier, so it is encoded as given. It is a round ' +
        'figure and the report does not say who counted or when. The report expects the flow of refugees to increase.',
      citations: [cite(3, 'There are 120,000 Armenians')],
    },
    {
      id: 'arrived-southern-armenia-2023-09-24-1800',
      event: 'refugees-arrive-southern-armenia',
      metric: 'arrived',
      low: 377,
      high: 377,
      best: 377,
      qualifier: 'exact',
      reportedPhrase: 'a total of 377 refugees had arrived in southern Armenia as of 6 pm local time on Sunday',
      origin: 'nagorno-karabakh',
      destination: 'southern-armenia',
      asOf: '2023-09-24T18:00+04:00',
      asOfPrecision: 'hour',
      asOfBasis: 'inferred',
      asOfNote:
        'The hour ("6 pm local time") is stated; the day is inferred from "on Sunday" in a report published on ' +
        'Sunday 24 September 2023. The UTC offset (external) is Armenian local time, +04:00 all year since Armenia ' +
        'stopped changing its clocks in 2012 (IANA time zone database, zone Asia/Yerevan).',
      reportedBy: 'armenian-authorities',
      relayedBy: 'civilnet',
      note: 'Reported by the local website CivilNet, citing the Armenian authorities.',
      citations: [cite(9, 'a total of 377 refugees had arrived in southern Armenia as of 6 pm local time on Sunday')],
    },
  ],

  statements: [
    {
      id: 'hajiyev-full-integration-no-special-status',
      speaker: 'hikmet-hajiyev',
      saidAt: '2023-09',
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote:
        'Hajiyev spoke to the Financial Times "after last week\'s action", in a report of 24 September 2023; no day is given.',
      medium: 'interview',
      quote: null,
      summary:
        'Hajiyev told the Financial Times that Baku intended to absorb and integrate Nagorno-Karabakh fully and ' +
        'would not give it a special or autonomous status within Azerbaijan.',
      events: ['azerbaijan-takes-control-of-enclave', 'azerbaijani-offensive-2023-09'],
      citations: [cite(6)],
    },
    {
      id: 'hajiyev-citizenship-for-residents',
      speaker: 'hikmet-hajiyev',
      saidAt: '2023-09',
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote:
        'Hajiyev spoke to the Financial Times "after last week\'s action", in a report of 24 September 2023; no day is given.',
      medium: 'interview',
      quote: null,
      summary: 'Hajiyev told the Financial Times that Baku planned to grant citizenship to the residents of Nagorno-Karabakh.',
      events: ['azerbaijan-takes-control-of-enclave'],
      citations: [cite(6)],
    },
    {
      id: 'hajiyev-general-amnesty',
      speaker: 'hikmet-hajiyev',
      saidAt: '2023-09',
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote:
        'Said in the same interview with the Financial Times, after last week\'s action, in a report of ' +
        '24 September 2023; no day is given.',
      medium: 'interview',
      quote: 'general amnesty',
      summary:
        'Hajiyev said Baku envisaged a "general amnesty" for all residents of Nagorno-Karabakh who had served with ' +
        'the separatist forces or the Armenian army, most of them men, but that it would not cover "criminals" who ' +
        'had committed crimes against humanity and war crimes against Azerbaijani civilians, which he called a ' +
        'separate matter.',
      events: ['ceasefire-2023-09-20', 'azerbaijan-takes-control-of-enclave'],
      citations: [cite(7, 'general amnesty'), cite(7, 'criminals, who have…')],
    },
    {
      id: 'nagorno-karabakh-leader-peacekeeper-escort',
      speaker: 'nagorno-karabakh-leader',
      saidAt: '2023-09',
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote:
        'The report, published on Sunday 24 September 2023, gives the statement alongside that day\'s departures ' +
        'but does not date it. It was made after the offensive of the week before and by the day of the report, so ' +
        'it is dated to September 2023. The day is not sourced in this dataset: giving it as 24 September would ' +
        'be an assumption.',
      medium: 'reported_remarks',
      quote: null,
      summary:
        'The leader of Nagorno-Karabakh said that Russian peacekeepers would accompany anyone who wanted to leave ' +
        'the enclave for Armenia.',
      events: ['exodus-from-nagorno-karabakh-begins'],
      citations: [cite(9)],
    },
    {
      id: 'pashinyan-fleeing-to-save-lives-and-identity',
      speaker: 'nikol-pashinyan',
      saidAt: '2023-09',
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote: `Said in Pashinyan's address to the nation. ${ADDRESS_NOTE}`,
      medium: 'address_to_the_nation',
      quote: 'fleeing their homeland as a way to save their lives and their identity',
      summary:
        'Pashinyan said the Armenians of Nagorno-Karabakh saw leaving their homeland as the way to save their lives ' +
        'and their identity.',
      events: ['pashinyan-address-to-the-nation', 'exodus-from-nagorno-karabakh-begins'],
      citations: [cite(8, 'fleeing their homeland as a way to save their lives and their identity')],
    },
    {
      id: 'pashinyan-ethnic-cleansing-claim',
      speaker: 'nikol-pashinyan',
      saidAt: '2023-09',
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote: `Said in Pashinyan's address to the nation. ${ADDRESS_NOTE}`,
      medium: 'address_to_the_nation',
      quote: null,
      summary:
        'Pashinyan claimed that Azerbaijan intends to carry out ethnic cleansing, and presented the departures as a ' +
        'response to it. This is his charge, as reported; the machine-translated passage is garbled.',
      events: [
        'pashinyan-address-to-the-nation',
        'exodus-from-nagorno-karabakh-begins',
        'azerbaijan-takes-control-of-enclave',
      ],
      citations: [cite(8)],
    },
    {
      id: 'pashinyan-security-allies',
      speaker: 'nikol-pashinyan',
      saidAt: '2023-09',
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote: `Said in the same speech, Pashinyan's address to the nation. ${ADDRESS_NOTE}`,
      medium: 'address_to_the_nation',
      quote:
        'The security groups and allies on which we have long relied have set a goal that shows our vulnerability ' +
        'and makes it impossible for the Armenian people to have an independent state',
      summary:
        'Pashinyan said the security groupings and allies Armenia had long relied on were pursuing a goal that ' +
        'exposed its vulnerability and made an independent Armenian state impossible. The report notes that he ' +
        'did not name Russia directly.',
      events: ['pashinyan-address-to-the-nation', 'yerevan-moscow-relations-deteriorate'],
      citations: [
        cite(
          14,
          'The security groups and allies on which we have long relied have set a goal that shows our vulnerability ' +
            'and makes it impossible for the Armenian people to have an independent state',
        ),
      ],
    },
    {
      id: 'kremlin-blames-pashinyan-separate-peace',
      speaker: 'kremlin',
      saidAt: '2023-09',
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote:
        'The report gives the Kremlin\'s position in the present tense, after last week\'s attack, in a report of ' +
        '24 September 2023; no day is given.',
      medium: 'reported_remarks',
      quote: null,
      summary:
        'The Kremlin blames Armenia\'s predicament on Pashinyan\'s attempts to reach a separate peace with the help ' +
        'of the United States and the European Union, according to the report.',
      events: ['moscow-restrained-response', 'yerevan-moscow-relations-deteriorate'],
      citations: [cite(13)],
    },
    {
      id: 'kremlin-azerbaijan-right-to-military-operations',
      speaker: 'kremlin',
      saidAt: '2023-09',
      datePrecision: 'month',
      dateBasis: 'inferred',
      dateNote:
        'The report gives the Kremlin\'s position in the present tense, after last week\'s attack, in a report of ' +
        '24 September 2023; no day is given.',
      medium: 'reported_remarks',
      quote: null,
      summary:
        'The Kremlin says Azerbaijan is entitled to conduct military operations on its own territory, according to ' +
        'the report.',
      events: ['moscow-restrained-response', 'azerbaijani-offensive-2023-09'],
      citations: [cite(13)],
    },
  ],
}
