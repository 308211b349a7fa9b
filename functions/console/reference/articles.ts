/**
 * Titles of the articles of the Code of the Republic of Kazakhstan on
 * Administrative Offences (5 July 2014, No. 235-V, in force since
 * 1 January 2015) that migration offences are recorded under — the ones the
 * simulator and the contract's examples use. Source: the Code's article
 * headings as published on adilet.zan.kz (K1400000235; the Ministry of
 * Justice's unofficial English translation at /eng/docs/K1400000235), in
 * our own short English rendering; 517 and 519 as the police cite them
 * ("Нарушение иностранцем или лицом без гражданства законодательства
 * Республики Казахстан в области миграции населения"; "Привлечение
 * иностранной рабочей силы и трудовых иммигрантов с нарушением
 * законодательства Республики Казахстан"). Agencies' lawyers should check
 * the wording; an article not listed here is shown by its number alone.
 */
export const ARTICLE_TITLES: Readonly<Record<string, string>> = {
  '496': 'Violation of the law on citizenship',
  '513': 'Breach of the regime at a border checkpoint',
  '517': 'Violation of migration law by a foreigner or stateless person',
  '518': 'Violation of migration law by a host of foreigners (individual or legal entity)',
  '519': 'Employing foreign labour or labour immigrants in breach of the law',
};
