SELECT
  *
FROM (
  SELECT
    `t1`.`delivery_year` AS `year`,
    `t1`.`category`,
    SUM(`t1`.`tiv`) AS `tiv`,
    SUM(`t1`.`units`) AS `units`
  FROM (
    SELECT
      *
    FROM `my-project`.`dyadwatch`.`arms_transfers` AS `t0`
    WHERE
      `t0`.`source` = 'sipri'
      AND `t0`.`supplier` = 'RUS'
      AND `t0`.`recipient` = 'CHN'
      AND `t0`.`delivery_year` >= 2010
  ) AS `t1`
  GROUP BY
    1,
    2
) AS `t2`
ORDER BY
  `t2`.`year` ASC NULLS LAST,
  `t2`.`category` ASC NULLS LAST
