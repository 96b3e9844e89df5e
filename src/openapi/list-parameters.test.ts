import { fieldFilters } from './list-parameters';

describe('fieldFilters', () => {
  it('names each filter after its field, and keeps the field out of the Markdown description (red team, round four)', () => {
    const hostile = 'x` <a href="http://evil.example/login">Session expired</a> `';
    const filters = fieldFilters(['views', hostile]) as Array<{ name: string; description: string }>;
    expect(filters.map(({ name }) => name)).toEqual([
      'views',
      'views_gte',
      'views_lte',
      'views_ne',
      'views_like',
      hostile,
      `${hostile}_gte`,
      `${hostile}_lte`,
      `${hostile}_ne`,
      `${hostile}_like`,
    ]);
    for (const { description } of filters) expect(description).not.toMatch(/views|evil|<a|Session/);
  });

  it('leaves out names json-server reads as its own parameters, and underscored ones', () => {
    const names = (fieldFilters(['q', '_page', '_secret', 'title']) as Array<{ name: string }>).map(({ name }) => name);
    expect(names).toEqual(['title', 'title_gte', 'title_lte', 'title_ne', 'title_like']);
  });
});
